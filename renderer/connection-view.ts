import type { ConnectionState, SessionState, UiError } from '../common/api.js';
import { assertNever } from '../common/assert-never.js';
import { secondsLeft } from './countdown.js';
import { errorText } from './error-text.js';

export type Tone = 'neutral' | 'busy' | 'ok' | 'warning' | 'error';

export interface ConnectionView {
  readonly tone: Tone;
  /** One short line: what the link is doing. */
  readonly title: string;
  /** Why, and what happens next, in words a person understands; empty when nothing to add. */
  readonly detail: string;
  /** Whether to offer the Retry button. */
  readonly canRetry: boolean;
  /** What screen readers announce on a change: the title without the ticking seconds. */
  readonly announcement: string;
}

// What the agent should do about a refusal that retrying alone cannot fix.
function hintFor(error: UiError): string {
  switch (error.code) {
    case 'AGENT_TOKEN_INVALID':
    case 'AGENT_TOKEN_ROTATED':
      return 'Enter the current token under Settings → Agent token, then press Retry.';
    case 'SERVER_URL_INVALID':
    case 'COBROWSE_REFUSED':
    case 'HTTP_NOT_FOUND':
    case 'COBROWSE_NOT_CONFIGURED':
      return 'Check the co-browse server URL in Settings, then press Retry.';
    default:
      return '';
  }
}

/** Words for the co-browse link, e.g. "Reconnecting (attempt 3, next try in 4 s)". */
export function describeConnection(state: ConnectionState, now: number): ConnectionView {
  switch (state.status) {
    case 'idle':
      return { tone: 'neutral', title: 'Not connected to the co-browse server', detail: '', canRetry: false, announcement: 'Not connected to the co-browse server' };
    case 'connecting': {
      const title = state.attempt > 1 ? `Connecting to the co-browse server (attempt ${state.attempt})…` : 'Connecting to the co-browse server…';
      return { tone: 'busy', title, detail: '', canRetry: false, announcement: title };
    }
    case 'connected':
      return {
        tone: 'ok',
        title: 'Connected to the co-browse server',
        detail:
          state.agentAuth === 'token'
            ? 'Admitted with this desktop’s agent token.'
            : 'Admitted without agent authentication: the server has no agent token configured.',
        canRetry: false,
        announcement: 'Connected to the co-browse server',
      };
    case 'reconnecting': {
      const wait = secondsLeft(state.nextTryAt, now);
      return {
        tone: 'warning',
        title: `Reconnecting (attempt ${state.attempt}, ${wait > 0 ? `next try in ${wait} s` : 'trying now'})`,
        detail: errorText(state.lastError),
        canRetry: wait > 0,
        announcement: `Connection lost. Reconnecting, attempt ${state.attempt}.`,
      };
    }
    case 'failed': {
      const hint = state.retryable ? '' : hintFor(state.error);
      const detail = [errorText(state.error), hint].filter((s) => s !== '').join(' ');
      return { tone: 'error', title: 'Not connected to the co-browse server', detail, canRetry: true, announcement: `Not connected to the co-browse server. ${detail}` };
    }
    default:
      return assertNever(state, 'connection state');
  }
}

const END_REASONS: Readonly<Record<Extract<SessionState, { status: 'ended' }>['reason'], string>> = {
  'agent-left': 'You left the session.',
  'customer-left': 'The customer ended the session.',
  'agent-unreachable': 'The session ended because this desktop could not reconnect within 30 seconds.',
  'customer-unreachable': "The session ended because the customer's page did not come back within 30 seconds.",
  expired: 'The session expired.',
  'token-rotated': 'The session ended because the agent token was changed on the server.',
  'server-shutdown': 'The session ended because the co-browse server shut down.',
  'connection-lost': 'The session ended because the connection to the co-browse server was lost.',
};

/** One line for a session that has ended. */
export function describeSessionEnd(reason: Extract<SessionState, { status: 'ended' }>['reason']): string {
  return END_REASONS[reason];
}

/** "123 456 789": the grouping agents and customers read codes out in. */
export function formatSessionCode(code: string): string {
  return code.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3');
}
