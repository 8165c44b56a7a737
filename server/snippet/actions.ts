// Applies the agent's actions on the customer's page, only while write mode is granted (checked
// by the caller), and never on masked, blocked, locked or snippet elements. Typing goes through
// the native value setter plus input and change events, so React, Vue and friends see it.
import { assertNever } from '../../common/assert-never.js';
import type { ActionRefusal, AgentAction } from '../../common/protocol.js';

export interface ActionTargets {
  /** The element rrweb's mirror knows by this id, or null. */
  nodeOf(id: number): Node | null;
  isMasked(el: Element): boolean;
  isBlocked(el: Element): boolean;
  isLocked(el: Element): boolean;
  isOwnUi(el: Element): boolean;
}

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'tel', 'url', 'number', 'date', 'datetime-local', 'month', 'week', 'time', 'color', 'range']);

function elementOf(node: Node | null): Element | null {
  if (!node) return null;
  if (node instanceof Element) return node;
  return node.parentElement;
}

function setNativeValue(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): void {
  // The prototype's setter, not the element's own: frameworks that track the value on the
  // instance (React) would otherwise swallow the change as their own.
  const proto = el instanceof HTMLInputElement ? HTMLInputElement.prototype : el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLSelectElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(el, value);
  else el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Applies one action; returns why it was refused, or null when it was applied. */
export function applyAction(action: AgentAction, targets: ActionTargets): ActionRefusal | null {
  const el = elementOf(targets.nodeOf(action.nodeId));
  if (!el || !el.isConnected) return 'TARGET_GONE';
  if (targets.isOwnUi(el) || targets.isLocked(el)) return 'TARGET_LOCKED';
  if (targets.isMasked(el) || targets.isBlocked(el)) return 'TARGET_MASKED';
  switch (action.kind) {
    case 'click':
      if (el instanceof HTMLElement) {
        el.focus({ preventScroll: true });
        el.click();
      } else {
        el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
      }
      return null;
    case 'input': {
      const field =
        (el instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(el.type)) || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement ? el : null;
      // Only fields a person could type into or choose from; disabled and read-only ones refuse.
      if (!field || field.disabled || ('readOnly' in field && field.readOnly)) return 'TARGET_LOCKED';
      if (field instanceof HTMLSelectElement && ![...field.options].some((o) => o.value === action.value)) return 'TARGET_GONE';
      field.focus({ preventScroll: true });
      setNativeValue(field, action.value);
      return null;
    }
    default:
      return assertNever(action, 'agent action');
  }
}
