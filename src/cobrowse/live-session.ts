// The live session on top of the agent link (agent-link.ts): join by code, resume after a dropped
// link within the grace, lag probes and the clock offset, write-mode control and actions, and the
// page frames of the joined session. The same split as the server's hub and LiveSession.
import { sessionCodeSchema } from '../../common/api.js';
import { AgentDeskError, type ERROR_MESSAGES } from '../../common/errors.js';
import type { ActionRefusal, AgentAction, AgentToServer, ServerToAgent } from '../../common/protocol.js';
import { assertNever } from '../../common/assert-never.js';
import type { ChannelEvent, ChannelState } from './channel-state.js';
import { knownError, type ChannelLogger } from './channel-errors.js';
import { createClockOffsetEstimator, probeSample } from './clock-offset.js';
import type { AgentLinkHooks } from './agent-link.js';
import type { ChannelLimits } from './limits.js';

/** `receivedAt`: epoch ms when the frame arrived. */
export type PageFrameListener = (frame: Buffer, receivedAt: number) => void;

export interface LiveSessionDeps {
  /** Sends on the link; throws COBROWSE_NOT_CONNECTED without one. */
  readonly send: (message: AgentToServer) => void;
  readonly emit: (event: ChannelEvent) => void;
  readonly state: () => ChannelState;
  readonly limits: ChannelLimits;
  readonly now: () => number;
  readonly logger?: ChannelLogger;
}

/** What the channel's API passes straight to the live session (CobrowseChannel has them too). */
export interface SessionOperations {
  /** Binary page-stream frames of the joined session, as received (byte 0 is the kind). */
  onPageFrame(listener: PageFrameListener): () => void;
  /** Joins the session with this code. Throws `SESSION_CODE_INVALID`, `COBROWSE_NOT_CONNECTED`, `COBROWSE_SESSION_ACTIVE`. */
  join(code: string): void;
  leave(): void;
  /** Pointer mode: shows the customer the element the agent points at. Throws `COBROWSE_NOT_IN_SESSION`. */
  pointAt(nodeId: number): void;
  /** The agent's live cursor (page px) or null. Throws `COBROWSE_NOT_IN_SESSION`. */
  moveCursor(at: readonly [number, number] | null): void;
  /** A pen stroke (page px). Throws `COBROWSE_NOT_IN_SESSION`. */
  annotate(points: readonly (readonly [number, number])[]): void;
  /** Asks the customer's page for a fresh snapshot. Throws `COBROWSE_NOT_IN_SESSION`. */
  requestSnapshot(): void;
  /** Asks the customer for write mode. Throws `COBROWSE_NOT_IN_SESSION`. */
  requestControl(): void;
  /** Gives write mode back. Throws `COBROWSE_NOT_IN_SESSION`. */
  releaseControl(): void;
  /** Sends an action while write mode is granted; returns its id. Throws `COBROWSE_NOT_IN_SESSION`, `WRITE_MODE_NOT_GRANTED`. */
  sendAction(action: AgentAction): number;
  /** The customer's clock minus the agent's, from the lag probes; null before the first echo. */
  clockOffset(): number | null;
}

/** The session's half of the link hooks, plus the operations the channel's API passes on. */
export interface LiveSession extends Omit<AgentLinkHooks, 'emit' | 'state'>, SessionOperations {
  /** After every state change: arms or clears the resume grace, forgets an ended session. */
  stateChanged(): void;
}

const REFUSAL_ERRORS: Readonly<Record<ActionRefusal, keyof typeof ERROR_MESSAGES>> = {
  TARGET_LOCKED: 'ACTION_TARGET_LOCKED',
  TARGET_MASKED: 'ACTION_TARGET_MASKED',
  TARGET_GONE: 'ACTION_TARGET_GONE',
  CONTROL_NOT_GRANTED: 'WRITE_MODE_NOT_GRANTED',
};

function clearTimer(timer: NodeJS.Timeout | null): null {
  if (timer) clearTimeout(timer);
  return null;
}

export function createLiveSession(deps: LiveSessionDeps): LiveSession {
  const { send, emit, state, limits, now } = deps;
  const log = deps.logger;
  const frameListeners = new Set<PageFrameListener>();
  let joinTimer: NodeJS.Timeout | null = null;
  // The credential to rejoin after a dropped link (never in the state, never logged), whether a
  // `resume` awaits its answer, the grace timer, lag probes and action ids.
  let resumeToken: string | null = null;
  let resumePending = false;
  let graceTimer: NodeJS.Timeout | null = null;
  let probeTimer: NodeJS.Timeout | null = null;
  const pendingProbes = new Map<number, number>();
  const clock = createClockOffsetEstimator(limits.probeWindow);
  let nextProbeId = 1;
  let nextActionId = 1;

  function trySend(message: AgentToServer): boolean {
    try {
      send(message);
      return true;
    } catch {
      return false;
    }
  }

  /** The session is over for this desktop: forget how to resume it and stop probing. */
  function forgetSession(): void {
    resumeToken = null;
    resumePending = false;
    graceTimer = clearTimer(graceTimer);
    stopProbes();
  }

  function stopProbes(): void {
    probeTimer = clearTimer(probeTimer);
    pendingProbes.clear();
  }

  function startProbes(): void {
    stopProbes();
    const tick = (): void => {
      probeTimer = setTimeout(tick, limits.probeIntervalMs);
      if (state().session.status !== 'joined') return;
      const id = nextProbeId++;
      if (!trySend({ type: 'probe', id })) return;
      pendingProbes.set(id, now());
      for (const old of pendingProbes.keys()) {
        if (pendingProbes.size <= limits.maxPendingProbes) break;
        pendingProbes.delete(old);
      }
    };
    tick();
  }

  function sendResume(token: string): void {
    if (!trySend({ type: 'resume', resumeToken: token })) return;
    resumePending = true;
    joinTimer = clearTimer(joinTimer);
    joinTimer = setTimeout(() => {
      joinTimer = null;
      if (!resumePending) return;
      log?.warn({}, 'co-browse channel: no answer to resume');
      forgetSession();
      emit({ type: 'resume-failed', error: knownError('SESSION_RESUME_FAILED') });
    }, limits.joinTimeoutMs);
  }

  /** Messages about the joined session need the session, on a live link. */
  function sendInSession(message: AgentToServer): void {
    if (state().session.status !== 'joined') throw new AgentDeskError('COBROWSE_NOT_IN_SESSION');
    try {
      send(message);
    } catch {
      throw new AgentDeskError('COBROWSE_NOT_IN_SESSION');
    }
  }

  function message(message: Exclude<ServerToAgent, { type: 'welcome' | 'identity-renewed' }>): void {
    switch (message.type) {
      case 'joined': {
        joinTimer = clearTimer(joinTimer);
        const resumed = message.resumed === true;
        if (resumed && !resumePending) return;
        resumePending = false;
        if (message.resumeToken !== undefined) resumeToken = message.resumeToken;
        emit({ type: 'joined', sessionId: message.sessionId, customerOrigin: message.customerOrigin, assetOrigins: message.assetOrigins ?? [], resumed, control: message.control ?? null });
        if (state().session.status === 'joined') {
          log?.info({ resumed }, resumed ? 'co-browse channel: session resumed' : 'co-browse channel: session joined');
          startProbes();
        }
        return;
      }
      case 'session-ended':
        emit({ type: 'session-ended', sessionId: message.sessionId, reason: message.reason });
        return;
      case 'customer-away':
        emit({ type: 'customer-away', graceSeconds: message.graceSeconds });
        return;
      case 'customer-back':
        emit({ type: 'customer-back' });
        return;
      case 'page':
        emit({ type: 'page', url: message.url, title: message.title });
        return;
      case 'control':
        emit({ type: 'control', state: message.state });
        return;
      case 'action-refused':
        emit({ type: 'action-refused', actionId: message.id, error: knownError(REFUSAL_ERRORS[message.code]) });
        return;
      case 'probe-echo': {
        const sentAt = pendingProbes.get(message.id);
        if (sentAt === undefined) return;
        pendingProbes.delete(message.id);
        const sample = probeSample(sentAt, message.at, now());
        if (sample === null) return;
        const estimate = clock.add(sample);
        emit({ type: 'timing', roundTripMs: estimate.roundTripMs, clockOffsetMs: estimate.clockOffsetMs });
        return;
      }
      case 'error':
        if (resumePending) {
          joinTimer = clearTimer(joinTimer);
          log?.warn({ code: message.code }, 'co-browse channel: resume refused');
          forgetSession();
          emit({ type: 'resume-failed', error: knownError('SESSION_RESUME_FAILED') });
        } else if (state().session.status === 'joining') {
          joinTimer = clearTimer(joinTimer);
          emit({ type: 'join-refused', error: knownError(message.code, message.message) });
        } else {
          log?.warn({ code: message.code }, 'co-browse channel: server reported an error');
        }
        return;
      default:
        assertNever(message, 'server message');
    }
  }

  return {
    stateChanged() {
      const { session } = state();
      if (session.status === 'reconnecting') {
        if (graceTimer === null) {
          graceTimer = setTimeout(
            () => {
              graceTimer = null;
              log?.warn({}, 'co-browse channel: the session could not be resumed within the grace');
              forgetSession();
              emit({ type: 'resume-expired' });
            },
            Math.max(0, Math.min(limits.resumeGraceMs, session.graceEndsAt - now())),
          );
        }
        return;
      }
      graceTimer = clearTimer(graceTimer);
      if (session.status !== 'joined') forgetSession();
    },
    welcomed() {
      if (state().session.status === 'reconnecting' && resumeToken !== null) sendResume(resumeToken);
    },
    message,
    frame(frame, receivedAt) {
      if (state().session.status !== 'joined') return;
      for (const listener of frameListeners) listener(frame, receivedAt);
    },
    down() {
      joinTimer = clearTimer(joinTimer);
      stopProbes();
      resumePending = false;
    },
    resumable: () => resumeToken !== null,
    stopped() {
      joinTimer = clearTimer(joinTimer);
      forgetSession();
    },
    onPageFrame(listener) {
      frameListeners.add(listener);
      return () => frameListeners.delete(listener);
    },
    join(code) {
      const parsed = sessionCodeSchema.safeParse(code);
      if (!parsed.success) throw new AgentDeskError('SESSION_CODE_INVALID');
      const current = state();
      if (current.connection.status !== 'connected') throw new AgentDeskError('COBROWSE_NOT_CONNECTED');
      const { status } = current.session;
      if (status === 'joining' || status === 'joined' || status === 'reconnecting') throw new AgentDeskError('COBROWSE_SESSION_ACTIVE');
      send({ type: 'join', code: parsed.data });
      emit({ type: 'join-sent', code: parsed.data });
      joinTimer = clearTimer(joinTimer);
      joinTimer = setTimeout(() => {
        joinTimer = null;
        emit({ type: 'join-refused', error: knownError('COBROWSE_JOIN_TIMEOUT') });
      }, limits.joinTimeoutMs);
    },
    leave() {
      const { status } = state().session;
      if (status !== 'joined' && status !== 'joining' && status !== 'reconnecting') return;
      joinTimer = clearTimer(joinTimer);
      forgetSession();
      try {
        send({ type: 'leave' });
      } catch {
        // The link is gone: the server has ended the session already.
      }
      emit({ type: 'left' });
    },
    pointAt(nodeId) {
      sendInSession({ type: 'pointer', nodeId });
    },
    moveCursor(at) {
      sendInSession({ type: 'cursor', at: at ? [at[0], at[1]] : null });
    },
    annotate(points) {
      sendInSession({ type: 'annotation', points: points.map(([x, y]) => [x, y] as [number, number]) });
    },
    requestSnapshot() {
      sendInSession({ type: 'snapshot-request' });
    },
    requestControl() {
      const { session } = state();
      const current = session.status === 'joined' ? session.control : null;
      if (current === 'requested' || current === 'granted') return;
      sendInSession({ type: 'control-request' });
      // The customer's answer (or the server's echo) replaces this.
      emit({ type: 'control', state: 'requested' });
    },
    releaseControl() {
      sendInSession({ type: 'control-release' });
      emit({ type: 'control', state: 'none' });
    },
    sendAction(action) {
      const { session } = state();
      if (session.status !== 'joined') throw new AgentDeskError('COBROWSE_NOT_IN_SESSION');
      if (session.control !== 'granted') throw new AgentDeskError('WRITE_MODE_NOT_GRANTED');
      const id = nextActionId++;
      sendInSession({ type: 'action', id, action });
      return id;
    },
    clockOffset: () => clock.offset(),
  };
}
