// What the customer's website keeps from the agent, as the mirror can tell it: masked values and
// text arrive as one fixed placeholder (the snippet's `PLACEHOLDER`, server/snippet/masking.ts),
// blocked elements arrive as an empty box carrying rrweb's `rr_width`/`rr_height`, and locked
// elements match the snippet's default lock rule (server/snippet/locking.ts). Tests pin both
// constants to the snippet's, so they cannot drift apart silently.

/** The snippet's placeholder for a masked value or text. */
export const MASK_PLACEHOLDER = '••••••••';

/** Fields the snippet always masks, as the mirror can tell them by their attributes (rrweb copies
 * them): passwords (rrweb marks one a toggle made text), card and one-time-code autocomplete, and
 * anything inside `data-cobrowse-mask`. A site's own mask rules show only as the placeholder. */
export const MASKED_FIELDS = 'input[type=password i], input[type=file i], input[data-rr-is-password], [autocomplete*="cc-" i], [autocomplete~="one-time-code" i], [data-cobrowse-mask], [data-cobrowse-mask] *';

/** The snippet's own lock rule: submit buttons by their effective type, and anything inside
 * `data-cobrowse-lock` (a site may add selectors the mirror cannot know; the customer's page still
 * refuses those). The mirror's elements are real elements of the replay frame, so `type` is the
 * browser's effective type there too. */
export function lockedInMirror(element: Element): boolean {
  const type = String((element as HTMLButtonElement | HTMLInputElement).type ?? '').toLowerCase();
  if (element.nodeName === 'BUTTON' && type === 'submit') return true;
  if (element.nodeName === 'INPUT' && (type === 'submit' || type === 'image')) return true;
  return element.closest('[data-cobrowse-lock]') !== null;
}

/** Node ids of blocked elements in serialized rrweb nodes (a full snapshot's tree, a mutation's adds). */
export function collectBlockedIds(node: unknown, into: Set<number>): void {
  const stack: unknown[] = [node];
  let guard = 0;
  while (stack.length > 0 && guard++ < 200_000) {
    const current = stack.pop();
    if (typeof current !== 'object' || current === null) continue;
    const { id, attributes, childNodes } = current as { id?: unknown; attributes?: unknown; childNodes?: unknown };
    if (typeof id === 'number' && typeof attributes === 'object' && attributes !== null && 'rr_width' in attributes) into.add(id);
    if (Array.isArray(childNodes)) for (const child of childNodes) stack.push(child);
  }
}
