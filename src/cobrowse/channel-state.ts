import type { ConnectionState, LiveSession, SessionEnd, SessionState, UiError } from '../../common/api.js';
import { assertNever } from '../../common/assert-never.js';
import { RESUME_GRACE_SECONDS, type AgentAuth, type ControlState } from '../../common/protocol.js';

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
  /** The link failed or broke; another try is scheduled. `resumable`: the channel holds a resume
   * token, so a joined session waits for the link instead of ending. */
  | { readonly type: 'link-failed'; readonly error: UiError; readonly attempt: number; readonly nextTryAt: number; readonly resumable: boolean }
  /** The channel gave up: retrying without a change cannot help (or needs the agent's go). */
  | { readonly type: 'stopped'; readonly error: UiError; readonly retryable: boolean }
  /** Closed on purpose (sign-out, settings changed, app quitting). */
  | { readonly type: 'closed' }
  | { readonly type: 'join-sent'; readonly code: string }
  | { readonly type: 'joined'; readonly sessionId: string; readonly customerOrigin: string | null; readonly assetOrigins?: readonly string[]; readonly resumed: boolean; readonly control: ControlState | null }
  | { readonly type: 'join-refused'; readonly error: UiError }
  /** The server refused the `resume` after a dropped link. */
  | { readonly type: 'resume-failed'; readonly error: UiError }
  /** The resume grace passed without the link coming back. */
  | { readonly type: 'resume-expired' }
  | { readonly type: 'session-ended'; readonly sessionId: string; readonly reason: SessionEnd }
  | { readonly type: 'left' }
  | { readonly type: 'customer-away'; readonly graceSeconds: number }
  | { readonly type: 'customer-back' }
  | { readonly type: 'page'; readonly url: string; readonly title: string }
  | { readonly type: 'control'; readonly state: ControlState }
  | { readonly type: 'action-refused'; readonly actionId: number; readonly error: UiError }
  | { readonly type: 'timing'; readonly roundTripMs: number; readonly clockOffsetMs: number };

type Live = Extract<SessionState, { status: 'joined' | 'reconnecting' }>;

function isLive(session: SessionState): session is Live {
  return session.status === 'joined' || session.status === 'reconnecting';
}

function liveOf(session: Live): LiveSession {
  const { sessionId, code, customerOrigin, assetOrigins, joinedAt, control, customer, page, timing, lastRefusal } = session;
  return { sessionId, code, customerOrigin, assetOrigins, joinedAt, control, customer, page, timing, lastRefusal };
}

function ended(session: Live, reason: SessionEnd, now: number): SessionState {
  return { status: 'ended', sessionId: session.sessionId, reason, endedAt: now };
}

/** A dropped link: a session the channel can resume waits for it; any other joined session ends. */
function sessionAfterLinkLoss(session: SessionState, error: UiError, now: number, resumable: boolean): SessionState {
  switch (session.status) {
    case 'joined':
      return resumable
        ? { ...liveOf(session), status: 'reconnecting', graceEndsAt: now + RESUME_GRACE_SECONDS * 1000 }
        : ended(session, 'connection-lost', now);
    case 'reconnecting':
      return resumable ? session : ended(session, 'connection-lost', now);
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

/** Applies `change` to a joined session; any other session is left as it is. */
function updateJoined(state: ChannelState, change: (session: Extract<SessionState, { status: 'joined' }>) => SessionState): ChannelState {
  if (state.session.status !== 'joined') return state;
  return { ...state, session: change(state.session) };
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
        session: sessionAfterLinkLoss(session, event.error, now, event.resumable),
      };
    case 'stopped':
      return {
        connection: { status: 'failed', error: event.error, retryable: event.retryable },
        session: sessionAfterLinkLoss(session, event.error, now, false),
      };
    case 'closed':
      return {
        connection: { status: 'idle' },
        session: isLive(session) ? ended(session, 'agent-left', now) : session.status === 'joining' ? { status: 'none' } : session,
      };
    case 'join-sent':
      if (state.connection.status !== 'connected' || session.status === 'joining' || isLive(session)) return state;
      return { ...state, session: { status: 'joining', code: event.code } };
    case 'joined':
      if (session.status === 'joining' && !event.resumed) {
        return {
          ...state,
          session: {
            status: 'joined',
            sessionId: event.sessionId,
            code: session.code,
            customerOrigin: event.customerOrigin,
            assetOrigins: event.assetOrigins ?? [],
            joinedAt: now,
            control: event.control ?? 'none',
            customer: { status: 'present' },
            page: null,
            timing: null,
            lastRefusal: null,
          },
        };
      }
      if (session.status === 'reconnecting' && event.resumed && event.sessionId === session.sessionId) {
        return { ...state, session: { ...liveOf(session), status: 'joined', control: event.control ?? session.control } };
      }
      return state;
    case 'join-refused':
      if (session.status !== 'joining') return state;
      return { ...state, session: { status: 'join-failed', code: session.code, error: event.error } };
    case 'resume-failed':
    case 'resume-expired':
      if (session.status !== 'reconnecting') return state;
      return { ...state, session: ended(session, event.type === 'resume-expired' ? 'agent-unreachable' : 'connection-lost', now) };
    case 'session-ended':
      if (!isLive(session) || session.sessionId !== event.sessionId) return state;
      return { ...state, session: ended(session, event.reason, now) };
    case 'left':
      if (isLive(session)) return { ...state, session: ended(session, 'agent-left', now) };
      return session.status === 'joining' ? { ...state, session: { status: 'none' } } : state;
    case 'customer-away':
      return updateJoined(state, (s) => ({ ...s, customer: { status: 'away', graceEndsAt: now + event.graceSeconds * 1000 } }));
    case 'customer-back':
      return updateJoined(state, (s) => ({ ...s, customer: { status: 'present' } }));
    case 'page':
      return updateJoined(state, (s) => ({ ...s, page: { url: event.url, title: event.title, since: now } }));
    case 'control':
      return updateJoined(state, (s) => ({
        ...s,
        control: event.state,
        // A new grant makes an old refusal moot.
        lastRefusal: event.state === 'granted' ? null : s.lastRefusal,
      }));
    case 'action-refused':
      return updateJoined(state, (s) => ({ ...s, lastRefusal: { actionId: event.actionId, error: event.error, at: now } }));
    case 'timing':
      return updateJoined(state, (s) => ({ ...s, timing: { roundTripMs: event.roundTripMs, clockOffsetMs: event.clockOffsetMs, measuredAt: now } }));
    default:
      return assertNever(event, 'channel event');
  }
}
