// Write-mode consent as a pure state machine: who may move the session's control state where.
// The hub applies the outcome (tells both sides, writes the audit row); this file decides only.
import type { ControlState } from '../../common/protocol.js';

export type ControlEvent =
  | { readonly by: 'agent'; readonly kind: 'request' }
  | { readonly by: 'agent'; readonly kind: 'release' }
  | { readonly by: 'customer'; readonly kind: 'granted' | 'declined' | 'revoked' };

export type ControlOutcome =
  /** The state moves: both sides hear the new state. */
  | { readonly ok: true; readonly next: ControlState }
  /** Nothing to do (asking again while asked, releasing what was never held). */
  | { readonly ok: true; readonly next: null }
  /** The sender may not do this now. */
  | { readonly ok: false; readonly code: 'CONTROL_NOT_REQUESTED' };

export function nextControlState(current: ControlState, event: ControlEvent): ControlOutcome {
  if (event.by === 'agent') {
    if (event.kind === 'request') {
      // Asking while already asked or already granted changes nothing; after a decline or a
      // revocation the agent may ask again, and the customer decides again.
      return current === 'requested' || current === 'granted' ? { ok: true, next: null } : { ok: true, next: 'requested' };
    }
    return current === 'requested' || current === 'granted' ? { ok: true, next: 'none' } : { ok: true, next: null };
  }
  switch (event.kind) {
    case 'granted':
    case 'declined':
      // Consent answers a request: a page cannot grant control nobody asked for.
      return current === 'requested' ? { ok: true, next: event.kind } : { ok: false, code: 'CONTROL_NOT_REQUESTED' };
    case 'revoked':
      // The customer may take control back at any moment; revoking nothing is a no-op.
      return current === 'granted' || current === 'requested' ? { ok: true, next: 'revoked' } : { ok: true, next: null };
  }
}

/** Actions are applied only in this state. */
export function allowsActions(state: ControlState): boolean {
  return state === 'granted';
}
