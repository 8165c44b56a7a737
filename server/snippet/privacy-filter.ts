// The last word on every rrweb event before it leaves the page. rrweb's own masking options see
// values and (with a fixed selector) text, but not attributes, not the URL in its Meta event, and
// not masks that change after recording starts; so every event is filtered here, against the LIVE
// page: rrweb's mirror maps each serialized node id to its node, and MaskPolicy decides from the
// DOM as it is now (through shadow roots and same-origin frames). Applied at one point in the
// capture pipeline (capture.ts, on emit), so no other code path can skip it.
//
// Inside a hidden region (a masked element, or everything outside an unmasked one in strict mode):
// - text and comments become the placeholder (blank text stays, for layout; CSS text stays);
// - only structural attributes travel; textual ones (title, alt, aria-label, placeholder, value…)
//   become the placeholder, every other one (href, src, data-*, option value…) is dropped, and
//   checked/selected state is not sent (a checkbox's click events are dropped too).
// Everywhere: a masked field's value attribute is the placeholder; a file input's is never sent;
// closed shadow hosts and cross-origin frames are empty boxes of their size.
import { EventType, IncrementalSource, NodeType, type eventWithTime, type serializedNodeWithId } from '@rrweb/types';
import { hasClosedShadowRoot } from './closed-shadow.js';
import { OPEN_REGION, PLACEHOLDER, inputType, isElement, maskText, type MaskPolicy, type Region } from './masking.js';

/** Attributes that shape layout and semantics, never the customer's data. */
const STRUCTURAL = new Set([
  'class',
  'style',
  'id',
  'role',
  'type',
  'width',
  'height',
  'colspan',
  'rowspan',
  'span',
  'scope',
  'dir',
  'lang',
  'hidden',
  'tabindex',
  'disabled',
  'readonly',
  'required',
  'multiple',
  'size',
  'cols',
  'rows',
  'for',
  'align',
  'valign',
  'rel',
  'media',
  'viewbox',
  'xmlns',
  'preserveaspectratio',
  // rrweb's own: the size of a blocked box, the text of a linked stylesheet, scroll positions.
  'rr_width',
  'rr_height',
  '_csstext',
  'rr_scrollleft',
  'rr_scrolltop',
]);

/** Attributes that show text to a person: replaced by the placeholder, so the agent sees "something here". */
const TEXTUAL = new Set(['title', 'alt', 'placeholder', 'value', 'label', 'aria-label', 'aria-description', 'aria-placeholder', 'aria-valuetext', 'aria-roledescription']);

type Attributes = Record<string, unknown>;

export interface PrivacyFilterDeps {
  readonly policy: MaskPolicy;
  /** rrweb's mirror: the live node of a serialized id. */
  nodeOf(id: number): Node | null;
  /** The page address as the agent may see it. */
  shareableAddress(href: string): string;
  /** A same-origin frame's document came into the capture (its realm needs watching too). */
  onFrameDocument?(doc: Document): void;
}

/**
 * Resource addresses kept in strict mode's default-hidden regions (not in masked ones), so the
 * page keeps its look: images and stylesheets of the site. A masked element drops them too.
 */
const STRICT_RESOURCES = new Set(['src', 'srcset', 'sizes', 'poster']);

function filterHiddenAttributes(el: Element | null, attributes: Attributes, keepResources: boolean): void {
  for (const name of Object.keys(attributes)) {
    const lower = name.toLowerCase();
    if (STRUCTURAL.has(lower)) continue;
    if (keepResources && (STRICT_RESOURCES.has(lower) || (lower === 'href' && el?.nodeName === 'LINK'))) continue;
    const value = attributes[name];
    if (value === null) continue; // a removal says nothing
    if (TEXTUAL.has(lower) && value !== '' && value !== false) attributes[name] = PLACEHOLDER;
    else delete attributes[name];
  }
}

function isCrossOriginFrame(el: Element): boolean {
  if (el.nodeName !== 'IFRAME' && el.nodeName !== 'FRAME') return false;
  try {
    return (el as HTMLIFrameElement).contentDocument === null;
  } catch {
    return true;
  }
}

/** An element shown as an empty box of its size: no content, no address, no attribute but layout ones. */
function boxAttributes(el: Element, attributes: Attributes): Attributes {
  const rect = el.getBoundingClientRect();
  const box: Attributes = { rr_width: `${rect.width}px`, rr_height: `${rect.height}px` };
  for (const name of ['class', 'style', 'id']) if (typeof attributes[name] === 'string') box[name] = attributes[name];
  return box;
}

export class PrivacyFilter {
  readonly #deps: PrivacyFilterDeps;
  /** The marked elements (mask or unmask) as the agent has them: what it was sent. */
  readonly #sentMarked = new Set<Element>();
  /** Documents and open shadow roots in the capture, where marks can appear. */
  readonly #scopes = new Set<Document | ShadowRoot>();

  constructor(deps: PrivacyFilterDeps) {
    this.#deps = deps;
  }

  /** The event as it may leave the page, or null when nothing of it may. Mutates the event. */
  apply(event: eventWithTime): eventWithTime | null {
    switch (event.type) {
      case EventType.Meta:
        event.data.href = this.#deps.shareableAddress(event.data.href);
        return event;
      case EventType.FullSnapshot:
        this.#sentMarked.clear();
        this.#scopes.clear();
        this.#walk(event.data.node, OPEN_REGION, false);
        return event;
      case EventType.IncrementalSnapshot:
        return this.#incremental(event);
      default:
        return event;
    }
  }

  /**
   * Whether the marked set differs from what the agent was sent: an element gained or lost a
   * mask, a rule started or stopped matching (a class change, a new route). What the agent has
   * is then wrong, and a fresh snapshot corrects it.
   */
  marksChanged(): boolean {
    const now = new Set<Element>();
    for (const scope of this.#scopes) {
      if (!scope.isConnected) continue;
      for (const el of this.#deps.policy.markedIn(scope)) now.add(el);
    }
    for (const el of this.#sentMarked) {
      if (!el.isConnected) this.#sentMarked.delete(el);
      else if (!now.has(el)) return true;
    }
    for (const el of now) if (!this.#sentMarked.has(el)) return true;
    return false;
  }

  #incremental(event: eventWithTime & { type: EventType.IncrementalSnapshot }): eventWithTime | null {
    const data = event.data;
    const cache = new Map<Node, Region>();
    if (data.source === IncrementalSource.Mutation) {
      data.adds = data.adds.filter((add) => {
        const parent = this.#deps.nodeOf(add.parentId);
        if (!parent || this.#insideBox(parent)) return !parent ? this.#walkDetached(add.node) : false;
        this.#walk(add.node, this.#deps.policy.regionOf(parent, cache), false);
        return true;
      });
      data.texts = data.texts.filter((text) => {
        const node = this.#deps.nodeOf(text.id);
        if (!node) return false;
        if (this.#insideBox(node)) return false;
        if (text.value !== null && this.#deps.policy.hides(this.#deps.policy.regionOf(node, cache)) && !isStyleText(node)) text.value = maskText(text.value);
        return true;
      });
      data.attributes = data.attributes.filter((change) => {
        const node = this.#deps.nodeOf(change.id);
        if (!isElement(node) || this.#insideBox(node)) return false;
        if (isCrossOriginFrame(node) || hasClosedShadowRoot(node)) return false;
        this.#filterAttributes(node, change.attributes as Attributes, this.#deps.policy.regionOf(node, cache));
        return Object.keys(change.attributes).length > 0;
      });
      return event;
    }
    if (data.source === IncrementalSource.Input) {
      const node = this.#deps.nodeOf(data.id);
      if (!isElement(node) || this.#insideBox(node)) return null;
      const policy = this.#deps.policy;
      const hidden = policy.hides(policy.regionOf(node, cache));
      const type = inputType(node);
      // A checkbox or radio in a hidden region: its state is the data; say nothing.
      if (hidden && (type === 'checkbox' || type === 'radio')) return null;
      if (data.text !== '' && (hidden || policy.isSensitiveField(node))) data.text = PLACEHOLDER;
      if (hidden) data.isChecked = false;
      return event;
    }
    return event;
  }

  /** An added node whose parent the mirror does not know: sent only if nothing in it can carry data. */
  #walkDetached(node: serializedNodeWithId): boolean {
    // rrweb adds a frame's document with its frame as parent, and the frame is always known; a
    // truly unknown parent is a race with a removal. Hide everything: the agent's replayer drops it anyway.
    this.#walk(node, { masked: true, unmasked: false }, false);
    return true;
  }

  /** Whether the node is inside an element shown as a box (its content never leaves). */
  #insideBox(node: Node): boolean {
    for (let at: Node | null = node.parentNode; at; at = at.parentNode) {
      if (isElement(at) && (hasClosedShadowRoot(at) || isCrossOriginFrame(at))) return true;
      if (at.nodeType === 11) at = (at as ShadowRoot).host;
    }
    return false;
  }

  #filterAttributes(el: Element | null, attributes: Attributes, region: Region): void {
    const policy = this.#deps.policy;
    if (el && inputType(el) === 'file') delete attributes.value;
    // A frame's address (a payment page's session token) and inline document never travel: rrweb
    // records same-origin frames' content itself, and the agent's mirror loads no frame.
    if (el && (el.nodeName === 'IFRAME' || el.nodeName === 'FRAME')) {
      delete attributes.src;
      delete attributes.srcdoc;
      delete attributes.rr_src;
    }
    if (policy.hides(region)) {
      filterHiddenAttributes(el, attributes, !region.masked);
      delete attributes.checked;
      delete attributes.selected;
      return;
    }
    if (el && typeof attributes.value === 'string' && attributes.value !== '' && (el.nodeName === 'INPUT' || el.nodeName === 'TEXTAREA' || el.nodeName === 'SELECT') && policy.isSensitiveField(el)) {
      attributes.value = PLACEHOLDER;
    }
  }

  /** Filters one serialized subtree in place; `region` is the region of its parent. */
  #walk(node: serializedNodeWithId, region: Region, inStyle: boolean): void {
    const policy = this.#deps.policy;
    switch (node.type) {
      case NodeType.Document: {
        const live = this.#deps.nodeOf(node.id);
        if (live && live.nodeType === 9) {
          this.#scopes.add(live as Document);
          if (live !== document) this.#deps.onFrameDocument?.(live as Document);
        }
        for (const child of node.childNodes) this.#walk(child, region, false);
        return;
      }
      case NodeType.Element: {
        const live = this.#deps.nodeOf(node.id);
        const el = isElement(live) ? live : null;
        if (el && (hasClosedShadowRoot(el) || isCrossOriginFrame(el))) {
          node.attributes = boxAttributes(el, node.attributes) as typeof node.attributes;
          node.childNodes = [];
          delete node.isShadowHost;
          return;
        }
        // A node rrweb serialized but the mirror lost (it never is): treat it as hidden.
        const own = el ? policy.childRegion(region, el) : { masked: true, unmasked: false };
        if (el) {
          // Marked means the region changed here, or (when it could not change further) a match.
          if (own !== region || ((region.masked || region.unmasked) && policy.isMarked(el))) this.#sentMarked.add(el);
          if (node.isShadowHost && el.shadowRoot) this.#scopes.add(el.shadowRoot);
        }
        this.#filterAttributes(el, node.attributes as Attributes, own);
        const style = node.tagName === 'style';
        for (const child of node.childNodes) this.#walk(child, own, style);
        return;
      }
      case NodeType.Text:
        if (policy.hides(region) && !node.isStyle && !inStyle) node.textContent = maskText(node.textContent);
        return;
      case NodeType.Comment:
      case NodeType.CDATA:
        if (policy.hides(region)) node.textContent = '';
        return;
      default:
        return;
    }
  }
}

function isStyleText(node: Node): boolean {
  return node.parentNode?.nodeName === 'STYLE';
}
