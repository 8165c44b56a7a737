import type { ConnectionState, SessionEnd, SessionState, UiError } from '../../common/api.js';
import { assertNever } from '../../common/assert-never.js';
import type { AgentAuth } from '../../common/protocol.js';

/** The co-browse part of `AppState`: the link to the server and the session on it. */
export interface ChannelState {
  readonly connection: ConnectionState;
  readonly session: SessionState;
}

export const INITIAL_CHANNEL_STATE: ChannelState = { connection: { status: 'idle' }, session: { status: 'none' } };

/** What happened, as the channel reports it to `reduceChannel`. */
export type ChannelEvent =
  | { readonly type: 'connecting'; readonly attempt: number }
  | { readonly type: 'welcomed'; readonly agentAuth: AgentAuth }
  /** The link failed or broke; another try is scheduled. */
  | { readonly type: 'link-failed'; readonly error: UiError; readonly attempt: number; readonly nextTryAt: number }
  /** The channel gave up: retrying without a change cannot help (or needs the agent's go). */
  | { readonly type: 'stopped'; readonly error: UiError; readonly retryable: boolean }
  /** Closed on purpose (sign-out, settings changed, app quitting). */
  | { readonly type: 'closed' }
  | { readonly type: 'join-sent'; readonly code: string }
  | { readonly type: 'joined'; readonly sessionId: string; readonly customerOrigin: string | null }
  | { readonly type: 'join-refused'; readonly error: UiError }
  | { readonly type: 'session-ended'; readonly sessionId: string; readonly reason: SessionEnd }
  | { readonly type: 'left' };

/** A session cannot outlive the link it was joined on: the server ends it when the agent drops. */
function sessionAfterLinkLoss(session: SessionState, error: UiError, now: number): SessionState {
  switch (session.status) {
    case 'joined':
      return { status: 'ended', sessionId: session.sessionId, reason: 'connection-lost', endedAt: now };
    case 'joining':
      return { status: 'join-failed', code: session.code, error };
    case 'none':
    case 'join-failed':
    case 'ended':
      return session;
    default:
      return assertNever(session, 'session state');
  }
}

/** The next state. Events that do not apply to the current state leave it unchanged. */
export function reduceChannel(state: ChannelState, event: ChannelEvent, now: number): ChannelState {
  const { session } = state;
  switch (event.type) {
    case 'connecting':
      return { ...state, connection: { status: 'connecting', attempt: event.attempt } };
    case 'welcomed':
      return { ...state, connection: { status: 'connected', agentAuth: event.agentAuth } };
    case 'link-failed':
      return {
        connection: { status: 'reconnecting', attempt: event.attempt, nextTryAt: event.nextTryAt, lastError: event.error },
        session: sessionAfterLinkLoss(session, event.error, now),
      };
    case 'stopped':
      return {
        connection: { status: 'failed', error: event.error, retryable: event.retryable },
        session: sessionAfterLinkLoss(session, event.error, now),
      };
    case 'closed':
      return {
        connection: { status: 'idle' },
        session:
          session.status === 'joined'
            ? { status: 'ended', sessionId: session.sessionId, reason: 'agent-left', endedAt: now }
            : session.status === 'joining'
              ? { status: 'none' }
              : session,
      };
    case 'join-sent':
      if (state.connection.status !== 'connected' || session.status === 'joining' || session.status === 'joined') return state;
      return { ...state, session: { status: 'joining', code: event.code } };
    case 'joined':
      if (session.status !== 'joining') return state;
      return {
        ...state,
        session: { status: 'joined', sessionId: event.sessionId, code: session.code, customerOrigin: event.customerOrigin, joinedAt: now },
      };
    case 'join-refused':
      if (session.status !== 'joining') return state;
      return { ...state, session: { status: 'join-failed', code: session.code, error: event.error } };
    case 'session-ended':
      if (session.status !== 'joined' || session.sessionId !== event.sessionId) return state;
      return { ...state, session: { status: 'ended', sessionId: session.sessionId, reason: event.reason, endedAt: now } };
    case 'left':
      if (session.status === 'joined') {
        return { ...state, session: { status: 'ended', sessionId: session.sessionId, reason: 'agent-left', endedAt: now } };
      }
      return session.status === 'joining' ? { ...state, session: { status: 'none' } } : state;
    default:
      return assertNever(event, 'channel event');
  }
}
