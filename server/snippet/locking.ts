// Elements the agent may never operate, even with write mode granted: submit buttons by their
// EFFECTIVE type (a <button> with a missing or invalid type is a submit button), anything marked
// data-cobrowse-lock or inside such an element, and the site's own lock selectors, through shadow
// roots and frames.
import { closestAcross } from './composed-tree.js';
import type { SnippetConfig } from './config.js';
import { inputType } from './masking.js';

export function lockSelector(config: SnippetConfig): string {
  return ['[data-cobrowse-lock]', ...config.lockSelectors].join(', ');
}

/** Whether activating this element submits a form (what the browser does, not what the markup says). */
export function isSubmit(el: Element): boolean {
  if (el.nodeName === 'BUTTON') return String((el as HTMLButtonElement).type).toLowerCase() === 'submit';
  const type = inputType(el);
  return type === 'submit' || type === 'image';
}

export function isLocked(el: Element, selector: string): boolean {
  return isSubmit(el) || closestAcross(el, selector) !== null;
}
