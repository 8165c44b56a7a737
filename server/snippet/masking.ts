// What the agent must never see, decided in the customer's browser before anything is sent.
// Masked values become PLACEHOLDER, whatever their length; masked text likewise. rrweb calls
// maskInput for EVERY field (maskAllInputs), so this file alone decides which ones are masked.
import { urlMatches, type SnippetConfig } from './config.js';

/** Fixed length, so the agent cannot learn how long a masked value is. */
export const PLACEHOLDER = '••••••••';

/** Always masked, on every page: the page marks them, or they are sensitive by type. */
const ALWAYS_MASKED = '[data-cobrowse-mask]';
export const ALWAYS_BLOCKED = '[data-cobrowse-block]';
/** rrweb sets this on a field that was a password when recorded, so a show-password toggle stays masked. */
const RRWEB_WAS_PASSWORD = 'data-rr-is-password';

function autocompleteIsSensitive(el: Element): boolean {
  const value = el.getAttribute('autocomplete');
  if (!value) return false;
  // Tokens may carry a section or billing/shipping prefix: "billing cc-number".
  return value
    .toLowerCase()
    .split(/\s+/)
    .some((token) => token.startsWith('cc-') || token === 'one-time-code');
}

export class MaskPolicy {
  /** Fields that were ever type=password on this page, even after a toggle made them text. */
  readonly #wasPassword = new WeakSet<Element>();
  readonly #selector: string;
  #observer: MutationObserver | null = null;

  constructor(config: SnippetConfig, address: string) {
    const ruleSelectors = config.maskRules.filter((rule) => urlMatches(rule.urlPattern, address)).flatMap((rule) => rule.selectors);
    this.#selector = [ALWAYS_MASKED, ...ruleSelectors].join(', ');
  }

  /** For rrweb's maskTextSelector: text inside these (or their descendants) is masked. */
  get textSelector(): string {
    return this.#selector;
  }

  /**
   * Starts remembering password fields. Runs before capture starts, and its observer is created
   * before rrweb's, so it hears a type change first.
   */
  trackPasswords(doc: Document): void {
    for (const input of doc.querySelectorAll('input[type=password i]')) this.#wasPassword.add(input);
    this.#observer = new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'attributes' && (record.oldValue ?? '').toLowerCase() === 'password') this.#wasPassword.add(record.target as Element);
        for (const node of record.addedNodes) {
          if (!(node instanceof Element)) continue;
          if (node.matches('input[type=password i]')) this.#wasPassword.add(node);
          for (const input of node.querySelectorAll('input[type=password i]')) this.#wasPassword.add(input);
        }
      }
    });
    this.#observer.observe(doc, { subtree: true, childList: true, attributes: true, attributeFilter: ['type'], attributeOldValue: true });
  }

  stop(): void {
    this.#observer?.disconnect();
    this.#observer = null;
  }

  /** Whether a form field's value is masked. */
  isMaskedField(el: Element): boolean {
    if (el instanceof HTMLInputElement) {
      const type = el.type.toLowerCase();
      if (type === 'password' || type === 'hidden') return true;
      if (el.hasAttribute(RRWEB_WAS_PASSWORD) || this.#wasPassword.has(el)) return true;
      // The attribute can say password while the property does not (an unknown type override).
      if ((el.getAttribute('type') ?? '').toLowerCase() === 'password') return true;
    }
    if (autocompleteIsSensitive(el)) return true;
    return this.isInsideMasked(el);
  }

  isInsideMasked(el: Element): boolean {
    return el.closest(this.#selector) !== null;
  }

  /** rrweb maskInputFn: called for every field value it records. */
  readonly maskInput = (text: string, element: HTMLElement): string => {
    if (text === '') return text;
    return this.isMaskedField(element) ? PLACEHOLDER : text;
  };

  /** rrweb maskTextFn: called only for text under textSelector. Blank text keeps the layout. */
  readonly maskText = (text: string): string => (/^\s*$/.test(text) ? text : PLACEHOLDER);
}
