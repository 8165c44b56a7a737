// What the agent must never see, decided in the customer's browser before anything is sent.
// Masked values become PLACEHOLDER, whatever their length; masked text likewise.
//
// Every decision works on any node of the page: the top document, open shadow roots and
// same-origin iframes (another JavaScript realm, where `instanceof HTMLInputElement` is false), so
// nothing here uses instanceof against this window's classes: nodeType and nodeName only. "Inside
// a masked element" walks up through shadow hosts and frame elements, not only parentElement.
import { isElement, maskingParent } from './composed-tree.js';
import { urlMatches, type SnippetConfig } from './config.js';

export { isElement };

/** Fixed length, so the agent cannot learn how long a masked value is. */
export const PLACEHOLDER = '••••••••';

/** Always masked, on every page: the page marks them, or they are sensitive by type. */
const ALWAYS_MASKED = '[data-cobrowse-mask]';
/** Lifts strict mode's "mask everything" for a subtree. */
const ALWAYS_UNMASKED = '[data-cobrowse-unmask]';
export const ALWAYS_BLOCKED = '[data-cobrowse-block]';
/** rrweb sets this on a field that was a password when recorded, so a show-password toggle stays masked. */
const RRWEB_WAS_PASSWORD = 'data-rr-is-password';

/** Where a node sits: under a masking element, under an unmasking one (strict mode), or both. */
export interface Region {
  readonly masked: boolean;
  readonly unmasked: boolean;
}

export const OPEN_REGION: Region = { masked: false, unmasked: false };

function autocompleteIsSensitive(el: Element): boolean {
  const value = el.getAttribute('autocomplete');
  if (!value) return false;
  // Tokens may carry a section or billing/shipping prefix: "billing cc-number".
  return value
    .toLowerCase()
    .split(/\s+/)
    .some((token) => token.startsWith('cc-') || token === 'one-time-code');
}

/** The input's type as the browser sees it (the property), lower case; '' for other elements. */
export function inputType(el: Element): string {
  return el.nodeName === 'INPUT' ? String((el as HTMLInputElement).type).toLowerCase() : '';
}

export type PrivacyMode = 'standard' | 'strict';

export class MaskPolicy {
  /** Fields that were ever type=password on this page, even after a toggle made them text. */
  readonly #wasPassword = new WeakSet<Element>();
  readonly #config: SnippetConfig;
  readonly #observers: MutationObserver[] = [];
  #maskSelector = ALWAYS_MASKED;
  readonly #unmaskSelector: string;
  readonly strict: boolean;

  constructor(config: SnippetConfig, address: string) {
    this.#config = config;
    this.strict = config.privacy === 'strict';
    this.#unmaskSelector = [ALWAYS_UNMASKED, ...config.unmaskSelectors].join(', ');
    this.setAddress(address);
  }

  /** The page's address changed (a single-page app's route): picks the rules that apply now. */
  setAddress(address: string): boolean {
    const ruleSelectors = this.#config.maskRules.filter((rule) => urlMatches(rule.urlPattern, address)).flatMap((rule) => rule.selectors);
    const next = [ALWAYS_MASKED, ...ruleSelectors].join(', ');
    const changed = next !== this.#maskSelector;
    this.#maskSelector = next;
    return changed;
  }

  get maskSelector(): string {
    return this.#maskSelector;
  }

  get unmaskSelector(): string {
    return this.#unmaskSelector;
  }

  /** Whether the element itself carries a mask (or, in strict mode, an unmask) marker or rule. */
  isMarked(el: Element): boolean {
    return el.matches(this.#maskSelector) || (this.strict && el.matches(this.#unmaskSelector));
  }

  /** Every marked element of one document or shadow root, now. */
  markedIn(scope: Document | ShadowRoot): NodeListOf<Element> {
    return scope.querySelectorAll(this.strict ? `${this.#maskSelector}, ${this.#unmaskSelector}` : this.#maskSelector);
  }

  /** The region of `el`'s content, given the region of its masking parent. */
  childRegion(parent: Region, el: Element): Region {
    const masked = parent.masked || el.matches(this.#maskSelector);
    const unmasked = parent.unmasked || (this.strict && el.matches(this.#unmaskSelector));
    return masked === parent.masked && unmasked === parent.unmasked ? parent : { masked, unmasked };
  }

  /** The region of a node (an element's own region includes itself), walking up to the top document. */
  regionOf(node: Node, cache?: Map<Node, Region>): Region {
    const cached = cache?.get(node);
    if (cached) return cached;
    const up = maskingParent(node);
    const above = up ? this.regionOf(up, cache) : OPEN_REGION;
    const region = isElement(node) ? this.childRegion(above, node) : above;
    cache?.set(node, region);
    return region;
  }

  /** Whether text, attributes and values in this region are hidden from the agent. */
  hides(region: Region): boolean {
    return region.masked || (this.strict && !region.unmasked);
  }

  /**
   * Starts remembering password fields of one document (the top one or a same-origin frame's).
   * Runs before capture starts, and its observer is created before rrweb's, so it hears a type
   * change first.
   */
  trackPasswords(doc: Document): void {
    for (const input of doc.querySelectorAll('input[type=password i]')) this.#wasPassword.add(input);
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'attributes' && (record.oldValue ?? '').toLowerCase() === 'password') this.#wasPassword.add(record.target as Element);
        for (const node of record.addedNodes) {
          if (!isElement(node)) continue;
          if (node.matches('input[type=password i]')) this.#wasPassword.add(node);
          for (const input of node.querySelectorAll('input[type=password i]')) this.#wasPassword.add(input);
        }
      }
    });
    observer.observe(doc, { subtree: true, childList: true, attributes: true, attributeFilter: ['type'], attributeOldValue: true });
    this.#observers.push(observer);
  }

  stop(): void {
    for (const observer of this.#observers) observer.disconnect();
    this.#observers.length = 0;
  }

  /** Sensitive by its own kind, wherever it is: passwords (even toggled to text), hidden and file inputs, card and one-time-code fields. */
  isSensitiveField(el: Element): boolean {
    const type = inputType(el);
    if (type === 'password' || type === 'hidden' || type === 'file') return true;
    if (type !== '') {
      if (el.hasAttribute(RRWEB_WAS_PASSWORD) || this.#wasPassword.has(el)) return true;
      // The attribute can say password while the property does not (an unknown type override).
      if ((el.getAttribute('type') ?? '').toLowerCase() === 'password') return true;
    }
    return autocompleteIsSensitive(el);
  }

  /** Whether a form field's value is masked. */
  isMaskedField(el: Element, cache?: Map<Node, Region>): boolean {
    return this.isSensitiveField(el) || this.hides(this.regionOf(el, cache));
  }

  /** Whether the element is inside (or is) a masked element, through shadow roots and frames. */
  isInsideMasked(el: Element): boolean {
    return this.hides(this.regionOf(el));
  }

  /** rrweb maskInputFn: called for every field value it records. */
  readonly maskInput = (text: string, element: HTMLElement): string => {
    if (text === '') return text;
    return this.isMaskedField(element) ? PLACEHOLDER : text;
  };
}

/** Masked text keeps blank text (layout), everything else is the placeholder. */
export function maskText(text: string): string {
  return /^\s*$/.test(text) ? text : PLACEHOLDER;
}
