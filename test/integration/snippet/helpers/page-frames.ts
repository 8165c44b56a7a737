// Reading page frames as the agent gets them: byte 0 is the kind (bit 7: deflated in the page),
// the rest an rrweb event array. Inflated the way the desktop does (src/cobrowse/page-frame.ts).
import { PageFrameKind, pageFrameKindOf } from '../../../../common/protocol.js';
import { pageFramePayload } from '../../../../src/cobrowse/page-frame.js';

export interface SerializedNode {
  readonly id: number;
  readonly type: number;
  readonly tagName?: string;
  readonly attributes?: Record<string, string | number | boolean>;
  readonly textContent?: string;
  readonly childNodes?: SerializedNode[];
}

export interface RrwebEvent {
  readonly type: number;
  readonly timestamp: number;
  readonly data: { readonly href?: string; readonly node?: SerializedNode; readonly [key: string]: unknown };
}

export function decodeFrame(frame: Buffer): { kind: 'snapshot' | 'incremental'; events: RrwebEvent[] } {
  const byte = pageFrameKindOf(frame[0]);
  const kind = byte === PageFrameKind.Snapshot ? 'snapshot' : byte === PageFrameKind.Incremental ? 'incremental' : null;
  if (!kind) throw new Error(`unknown page-frame kind ${frame[0]}`);
  const payload = pageFramePayload(frame);
  if (!payload) throw new Error('a compressed page frame that does not inflate');
  return { kind, events: JSON.parse(payload.toString('utf8')) as RrwebEvent[] };
}

/**
 * What a frame the server sent carries, as the agent reads it: control text as is, page frames
 * inflated. Leak scans look here, so compression cannot hide a secret from them.
 */
export function frameBytes(data: Buffer | string): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (pageFrameKindOf(data[0]) === null) return data;
  const payload = pageFramePayload(data);
  if (!payload) throw new Error('a compressed page frame that does not inflate');
  return Buffer.concat([data.subarray(0, 1), payload]);
}

/** The rrweb node id of the element with this HTML id in a snapshot frame. */
export function nodeIdOf(snapshot: RrwebEvent[], htmlId: string): number {
  const full = snapshot.find((e) => e.type === 2);
  const stack = full?.data.node ? [full.data.node] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.attributes?.id === htmlId) return node.id;
    stack.push(...(node.childNodes ?? []));
  }
  throw new Error(`no element #${htmlId} in the snapshot`);
}

/** The serialized element with this HTML id, for assertions on what the agent sees. */
export function serializedElement(snapshot: RrwebEvent[], htmlId: string): SerializedNode {
  const full = snapshot.find((e) => e.type === 2);
  const stack = full?.data.node ? [full.data.node] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.attributes?.id === htmlId) return node;
    stack.push(...(node.childNodes ?? []));
  }
  throw new Error(`no element #${htmlId} in the snapshot`);
}

/** A secret as it could appear in a frame: raw, JSON-escaped, URL-encoded, base64 at any alignment. */
export function leakForms(secret: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
  for (let offset = 0; offset < 3; offset += 1) {
    const b64 = Buffer.from(`${'x'.repeat(offset)}${secret}`, 'utf8').toString('base64');
    // The first and last 4 characters depend on the neighbours; the middle is the secret's own.
    forms.push(b64.slice(4, -4));
  }
  return forms;
}

/** Every serialized element matching `test`, depth first. */
export function serializedElements(snapshot: RrwebEvent[], test: (node: SerializedNode) => boolean): SerializedNode[] {
  const full = snapshot.find((e) => e.type === 2);
  const stack = full?.data.node ? [full.data.node] : [];
  const found: SerializedNode[] = [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (test(node)) found.push(node);
    stack.push(...(node.childNodes ?? []));
  }
  return found;
}
