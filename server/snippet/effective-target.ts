// What an agent's action would really operate. A click lands on one node but activates the
// nearest interactive ancestor (a <span> inside a <button>), and a click on a <label> operates its
// control; each of these is checked, not just the node the agent named. Elements a person could
// not operate refuse too: hidden (display:none, visibility:hidden, zero size, off the page),
// inert, disabled, aria-hidden.
import { isElement, maskingParent, someAncestor } from './composed-tree.js';

/** Elements that a click on a descendant activates. */
const ACTIVATABLE = new Set(['A', 'AREA', 'BUTTON', 'INPUT', 'SELECT', 'TEXTAREA', 'SUMMARY', 'LABEL', 'OPTION']);

function activatedAncestor(el: Element): Element | null {
  for (let at: Node | null = el; at; at = maskingParent(at)) {
    if (isElement(at) && ACTIVATABLE.has(at.nodeName) && (at.nodeName !== 'A' || at.hasAttribute('href'))) return at;
  }
  return null;
}

function labelControl(label: Element): Element | null {
  return label.nodeName === 'LABEL' ? ((label as HTMLLabelElement).control ?? null) : null;
}

/**
 * The element named, the element a click on it activates, and that element's labelled control:
 * every one must pass the lock, mask and availability checks.
 */
export function clickTargets(el: Element): { readonly named: Element; readonly activated: Element | null; readonly control: Element | null } {
  const activated = activatedAncestor(el);
  const control = activated ? labelControl(activated) : null;
  return { named: el, activated: activated === el ? null : activated, control };
}

/** The field an input action would type into: the element, or the control of the label it is in. */
export function inputTarget(el: Element): Element {
  const activated = activatedAncestor(el);
  return (activated && labelControl(activated)) ?? el;
}

/** Disabled (itself or by a disabled fieldset), or inert (itself or an ancestor). */
export function isDisabledOrInert(el: Element): boolean {
  if (el.matches(':disabled')) return true;
  return someAncestor(el, (at) => at.hasAttribute('inert'));
}

/**
 * Not something a person could see and operate: aria-hidden (itself or an ancestor), not rendered
 * or invisible (display:none, visibility:hidden, content-visibility), zero size, or wholly
 * outside the page's scrollable area.
 */
export function isHidden(el: Element): boolean {
  if (someAncestor(el, (at) => at.getAttribute('aria-hidden') === 'true')) return true;
  const withVisibility = el as Element & { checkVisibility?: (options?: { visibilityProperty?: boolean }) => boolean };
  if (typeof withVisibility.checkVisibility === 'function' && !withVisibility.checkVisibility({ visibilityProperty: true })) return true;
  const rect = el.getBoundingClientRect();
  if (rect.width <= 0 || rect.height <= 0) return true;
  const doc = el.ownerDocument;
  const view = doc.defaultView;
  if (!view) return true;
  const left = rect.left + view.scrollX;
  const top = rect.top + view.scrollY;
  const root = doc.documentElement;
  if (left + rect.width <= 0 || top + rect.height <= 0 || left >= root.scrollWidth || top >= root.scrollHeight) return true;
  // Inside a same-origin frame: the frame itself must be visible too.
  let frame: Element | null = null;
  try {
    frame = view.frameElement;
  } catch {
    frame = null;
  }
  return frame ? isHidden(frame) : false;
}
