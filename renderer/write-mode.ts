// What a click on the mirrored page does, and how write mode reads to the agent. Pointer mode is
// always on: every click points. While the customer has granted write mode, a click on a field
// opens an editor over it (typing is sent as the field's whole value), and a click elsewhere is
// sent as a click.
import type { ControlState } from '../common/protocol.js';
import { assertNever } from '../common/assert-never.js';

/** What the view knows of the clicked element in the mirror. */
export interface TargetInfo {
  readonly tagName: string;
  /** The `type` attribute of an input, lower-case; '' for others. */
  readonly inputType: string;
  readonly disabled: boolean;
}

export type ClickIntent = 'point' | 'click' | 'edit-text' | 'edit-multiline' | 'edit-select';

// Inputs whose value is text the agent types.
const TEXT_INPUTS = new Set(['', 'text', 'email', 'tel', 'url', 'search', 'number', 'password', 'date', 'time', 'datetime-local', 'month', 'week']);

export function clickIntent(control: ControlState, target: TargetInfo | null): ClickIntent {
  if (control !== 'granted' || target === null) return 'point';
  if (target.disabled) return 'point';
  switch (target.tagName.toLowerCase()) {
    case 'textarea':
      return 'edit-multiline';
    case 'select':
      return 'edit-select';
    case 'input':
      return TEXT_INPUTS.has(target.inputType.toLowerCase()) ? 'edit-text' : 'click';
    default:
      return 'click';
  }
}

export interface ControlView {
  /** One line on write mode's state. */
  readonly text: string;
  /** The same, short enough for the session bar. */
  readonly short: string;
  readonly tone: 'neutral' | 'busy' | 'ok' | 'warning';
  /** Which button to offer. */
  readonly action: 'request' | 'release' | 'cancel' | null;
}

export function describeControl(control: ControlState): ControlView {
  switch (control) {
    case 'none':
      return { text: 'Pointer mode: your clicks show the customer where to look.', short: 'Pointer mode', tone: 'neutral', action: 'request' };
    case 'requested':
      return { text: 'Control requested: waiting for the customer to accept.', short: 'Requested: waiting for the customer', tone: 'busy', action: 'cancel' };
    case 'granted':
      return { text: 'Write mode: the customer let you click and type on their page.', short: 'Write mode', tone: 'ok', action: 'release' };
    case 'declined':
      return { text: 'The customer declined control. Pointer mode stays on.', short: 'Control declined', tone: 'warning', action: 'request' };
    case 'revoked':
      return { text: 'The customer took control back. Pointer mode stays on.', short: 'Customer took control back', tone: 'warning', action: 'request' };
    default:
      return assertNever(control, 'control state');
  }
}
