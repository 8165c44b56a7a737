// Elements the agent may never operate, even with write mode granted: submit buttons (by default:
// an agent must not send the customer's form), anything marked data-cobrowse-lock, and the
// site's own lock selectors.
import type { SnippetConfig } from './config.js';

const SUBMITS = 'button[type=submit i], button:not([type]), input[type=submit i], input[type=image i]';

export function lockSelector(config: SnippetConfig): string {
  return [SUBMITS, '[data-cobrowse-lock]', ...config.lockSelectors].join(', ');
}

export function isLocked(el: Element, selector: string): boolean {
  return el.closest(selector) !== null;
}
