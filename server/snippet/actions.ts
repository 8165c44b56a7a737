// Applies the agent's actions on the customer's page, only while write mode is granted (checked
// by the caller), and never on masked, blocked, locked, hidden, disabled or snippet elements.
// Every check is made on the EFFECTIVE targets (effective-target.ts): the element named, the
// element a click on it activates, and a label's control. Typing goes through the native value
// setter plus input and change events, so React, Vue and friends see it. Works on elements of
// same-origin frames too: no instanceof against this window's classes.
import { assertNever } from '../../common/assert-never.js';
import type { ActionRefusal, AgentAction } from '../../common/protocol.js';
import { isElement } from './composed-tree.js';
import { clickTargets, inputTarget, isDisabledOrInert, isHidden } from './effective-target.js';
import { inputType } from './masking.js';

export interface ActionTargets {
  /** The element rrweb's mirror knows by this id, or null. */
  nodeOf(id: number): Node | null;
  isMasked(el: Element): boolean;
  isBlocked(el: Element): boolean;
  isLocked(el: Element): boolean;
  isOwnUi(el: Element): boolean;
}

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'tel', 'url', 'number', 'date', 'datetime-local', 'month', 'week', 'time', 'color', 'range']);

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function elementOf(node: Node | null): Element | null {
  if (!node) return null;
  if (isElement(node)) return node;
  return node.parentElement;
}

function asField(el: Element): Field | null {
  if (el.nodeName === 'INPUT') return TEXT_INPUT_TYPES.has(inputType(el)) ? (el as HTMLInputElement) : null;
  if (el.nodeName === 'TEXTAREA' || el.nodeName === 'SELECT') return el as HTMLTextAreaElement | HTMLSelectElement;
  return null;
}

function setNativeValue(el: Field, value: string): void {
  // The prototype's setter of the element's own realm, not the element's own property: frameworks
  // that track the value on the instance (React) would otherwise swallow the change as their own.
  const view = el.ownerDocument.defaultView ?? window;
  const proto = el.nodeName === 'INPUT' ? view.HTMLInputElement.prototype : el.nodeName === 'TEXTAREA' ? view.HTMLTextAreaElement.prototype : view.HTMLSelectElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(el, value);
  else el.value = value;
  el.dispatchEvent(new view.Event('input', { bubbles: true }));
  el.dispatchEvent(new view.Event('change', { bubbles: true }));
}

/** Why this element may not be operated, or null. Order: the most specific reason the agent can act on. */
function refusalFor(el: Element, targets: ActionTargets, checkVisible: boolean): ActionRefusal | null {
  if (!el.isConnected) return 'TARGET_GONE';
  if (targets.isOwnUi(el) || targets.isLocked(el)) return 'TARGET_LOCKED';
  if (targets.isMasked(el) || targets.isBlocked(el)) return 'TARGET_MASKED';
  // Something a person could not operate either: disabled, inert, hidden.
  if (isDisabledOrInert(el) || (checkVisible && isHidden(el))) return 'TARGET_LOCKED';
  return null;
}

/** Scrolls a document (its window) or an element the agent may operate; shows nothing new, since
 * the snapshot masks whatever comes into view just as it does for the customer's own scrolling. */
function scrollTo(node: Node | null, to: { readonly x: number; readonly y: number }, targets: ActionTargets): ActionRefusal | null {
  if (node === null || !node.isConnected) return 'TARGET_GONE';
  if (node.nodeType === 9) {
    const view = (node as Document).defaultView;
    if (!view) return 'TARGET_GONE';
    view.scrollTo({ left: to.x, top: to.y, behavior: 'instant' });
    return null;
  }
  if (!isElement(node)) return 'TARGET_GONE';
  const refusal = refusalFor(node, targets, true);
  if (refusal) return refusal;
  node.scrollTo({ left: to.x, top: to.y, behavior: 'instant' });
  return null;
}

/** Applies one action; returns why it was refused, or null when it was applied. */
export function applyAction(action: AgentAction, targets: ActionTargets): ActionRefusal | null {
  const node = targets.nodeOf(action.nodeId);
  if (action.kind === 'scroll') return scrollTo(node, action, targets);
  const el = elementOf(node);
  if (!el || !el.isConnected) return 'TARGET_GONE';
  switch (action.kind) {
    case 'click': {
      const { named, activated, control } = clickTargets(el);
      // A label's control may be visually hidden behind a styled label (a common checkbox
      // pattern): it must pass every check but visibility, which the label itself passes.
      const refusal = refusalFor(named, targets, true) ?? (activated ? refusalFor(activated, targets, true) : null) ?? (control ? refusalFor(control, targets, false) : null);
      if (refusal) return refusal;
      const view = el.ownerDocument.defaultView ?? window;
      if (typeof (el as HTMLElement).focus === 'function') (el as HTMLElement).focus({ preventScroll: true });
      if (typeof (el as HTMLElement).click === 'function') (el as HTMLElement).click();
      else el.dispatchEvent(new view.MouseEvent('click', { bubbles: true, cancelable: true, view }));
      return null;
    }
    case 'input': {
      const target = inputTarget(el);
      const refusal = refusalFor(target, targets, true) ?? (target !== el ? refusalFor(el, targets, true) : null);
      if (refusal) return refusal;
      const field = asField(target);
      // Only fields a person could type into or choose from; read-only ones refuse.
      if (!field || ('readOnly' in field && field.readOnly)) return 'TARGET_LOCKED';
      if (field.nodeName === 'SELECT' && ![...(field as HTMLSelectElement).options].some((o) => o.value === action.value)) return 'TARGET_GONE';
      field.focus({ preventScroll: true });
      setNativeValue(field, action.value);
      return null;
    }
    default:
      return assertNever(action, 'agent action');
  }
}
