// The agent desktop's co-browse channel: one WebSocket to <server>/cobrowse/agent, opened by the
// main process with the shared agent token (X-Cobrowse-Agent-Token) and, when signed in, the
// agent's access token (Authorization: Bearer). It keeps the link alive (heartbeat, reconnect with
// capped full-jitter backoff) and stops in `failed` on refusals that retrying cannot fix.
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { UiError } from '../../common/api.js';
import { sessionCodeSchema } from '../../common/api.js';
import { AgentDeskError, ERROR_MESSAGES, isErrorCode } from '../../common/errors.js';
import {
  AGENT_TOKEN_HEADER,
  serverToAgentSchema,
  type ActionRefusal,
  type AgentAction,
  type AgentToServer,
  type ServerToAgent,
} from '../../common/protocol.js';
import { assertNever } from '../../common/assert-never.js';
import type { SocketOptions } from '../desktop-port.js';
import { agentChannelUrl } from './agent-channel-url.js';
import { backoffDelay } from './backoff.js';
import { INITIAL_CHANNEL_STATE, reduceChannel, type ChannelEvent, type ChannelState } from './channel-state.js';
import { createClockOffsetEstimator, probeSample } from './clock-offset.js';
import { classifyRefusal, type Refusal } from './handshake-refusal.js';
import { CHANNEL_LIMITS, type ChannelLimits } from './limits.js';

/** The two log levels the channel uses; a pino logger fits. Never given a token. */
export interface ChannelLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface CobrowseChannelOptions {
  /** The co-browse server's base URL (http or https). A new URL means a new channel. */
  readonly serverUrl: string;
  /** The 26-digit agent token from the keychain, or null when none is set. Read before every try. */
  readonly getAgentToken: () => Promise<string | null>;
  /**
   * The signed-in agent's access token, or null. Called before every try, so the sign-in service
   * can refresh a token that is near expiry before the server sees it.
   */
  readonly getAccessToken?: () => Promise<string | null>;
  readonly logger?: ChannelLogger;
  /**
   * How to reach the server (the Desktop port's network: the system's proxy and certificates in
   * Electron); asked before every try. Absent: a direct connection with Node's CA list.
   */
  readonly socketOptions?: (url: string) => Promise<SocketOptions>;
  /** Smaller values in tests only. */
  readonly limits?: Partial<ChannelLimits>;
  readonly now?: () => number;
  /** [0, 1), for the backoff jitter. */
  readonly random?: () => number;
}

export type ChannelStateListener = (state: ChannelState) => void;
/** `receivedAt`: epoch ms when the frame arrived. */
export type PageFrameListener = (frame: Buffer, receivedAt: number) => void;

export interface CobrowseChannel {
  state(): ChannelState;
  /** Called on every state change; returns the unsubscribe function. */
  onState(listener: ChannelStateListener): () => void;
  /** Binary page-stream frames of the joined session, as received (byte 0 is the kind). */
  onPageFrame(listener: PageFrameListener): () => void;
  /** Starts connecting (and keeps the link up) until `close()`. Idempotent. */
  connect(): void;
  /** Joins the session with this code. Throws `SESSION_CODE_INVALID`, `COBROWSE_NOT_CONNECTED`, `COBROWSE_SESSION_ACTIVE`. */
  join(code: string): void;
  leave(): void;
  /** Pointer mode: shows the customer the element the agent points at. Throws `COBROWSE_NOT_IN_SESSION`. */
  pointAt(nodeId: number): void;
  /** Asks the customer for write mode. Throws `COBROWSE_NOT_IN_SESSION`. */
  requestControl(): void;
  /** Gives write mode back. Throws `COBROWSE_NOT_IN_SESSION`. */
  releaseControl(): void;
  /** Sends an action while write mode is granted; returns its id. Throws `COBROWSE_NOT_IN_SESSION`, `WRITE_MODE_NOT_GRANTED`. */
  sendAction(action: AgentAction): number;
  /** The customer's clock minus the agent's, from the lag probes; null before the first echo. */
  clockOffset(): number | null;
  /** Tries now: skips a reconnect wait, or starts again after `failed`. */
  retry(): void;
  /** Closes the link on purpose and stops reconnecting. Resolves when the socket is closed. */
  close(): Promise<void>;
}

interface Link {
  readonly socket: WebSocket;
  welcomedAt: number | null;
  refusal: Refusal | null;
  /** Why the link ended, when the channel decided it (timeouts, protocol errors). */
  error: UiError | null;
  heartbeatMs: number;
  idleTimer: NodeJS.Timeout | null;
  setupTimer: NodeJS.Timeout | null;
}

function knownError(code: string, fallback?: string): UiError {
  if (isErrorCode(code)) return { code, message: ERROR_MESSAGES[code] };
  return { code, message: fallback ?? ERROR_MESSAGES.COBROWSE_REFUSED };
}

const REFUSAL_ERRORS: Readonly<Record<ActionRefusal, keyof typeof ERROR_MESSAGES>> = {
  TARGET_LOCKED: 'ACTION_TARGET_LOCKED',
  TARGET_MASKED: 'ACTION_TARGET_MASKED',
  TARGET_GONE: 'ACTION_TARGET_GONE',
  CONTROL_NOT_GRANTED: 'WRITE_MODE_NOT_GRANTED',
};

function errorOf(cause: unknown, fallback: keyof typeof ERROR_MESSAGES): UiError {
  return cause instanceof AgentDeskError ? cause.toBody() : knownError(fallback);
}

async function readBody(res: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      clearTimeout(timer);
      res.removeAllListeners('data');
      resolve(Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'));
    };
    const timer = setTimeout(done, timeoutMs);
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) done();
    });
    res.once('end', done);
    res.once('error', done);
    res.once('close', done);
  });
}

export function createCobrowseChannel(options: CobrowseChannelOptions): CobrowseChannel {
  const limits: ChannelLimits = { ...CHANNEL_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const log = options.logger;
  // Validated once: a bad URL is a settings problem, reported as `failed` by connect().
  let channelUrl: string | null = null;
  let urlError: UiError | null = null;
  try {
    channelUrl = agentChannelUrl(options.serverUrl);
  } catch (cause) {
    urlError = errorOf(cause, 'SERVER_URL_INVALID');
  }

  let state = INITIAL_CHANNEL_STATE;
  const stateListeners = new Set<ChannelStateListener>();
  const frameListeners = new Set<PageFrameListener>();
  let wanted = false;
  let link: Link | null = null;
  /** Bumped by every new try and by close(), so late callbacks of an old try do nothing. */
  let generation = 0;
  /** Failed tries since the link was last up and stable; drives the backoff and the attempt number. */
  let failedTries = 0;
  let identityRefusals = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let joinTimer: NodeJS.Timeout | null = null;
  // Live session: the credential to rejoin after a dropped link (never in the state, never logged),
  // whether a `resume` awaits its answer, the grace timer, lag probes and action ids.
  let resumeToken: string | null = null;
  let resumePending = false;
  let graceTimer: NodeJS.Timeout | null = null;
  let probeTimer: NodeJS.Timeout | null = null;
  const pendingProbes = new Map<number, number>();
  const clock = createClockOffsetEstimator(limits.probeWindow);
  let nextProbeId = 1;
  let nextActionId = 1;

  function emit(event: ChannelEvent): void {
    const next = reduceChannel(state, event, now());
    if (next === state) return;
    state = next;
    afterSessionChange();
    for (const listener of stateListeners) listener(state);
  }

  function clearTimer(timer: NodeJS.Timeout | null): null {
    if (timer) clearTimeout(timer);
    return null;
  }

  function clearLinkTimers(l: Link): void {
    l.idleTimer = clearTimer(l.idleTimer);
    l.setupTimer = clearTimer(l.setupTimer);
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
      if (state.session.status !== 'joined') return;
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

  /** After every state change: a session that ended or left for good takes its resume token along. */
  function afterSessionChange(): void {
    const { session } = state;
    if (session.status === 'reconnecting') {
      if (graceTimer === null) {
        graceTimer = setTimeout(() => {
          graceTimer = null;
          log?.warn({}, 'co-browse channel: the session could not be resumed within the grace');
          forgetSession();
          emit({ type: 'resume-expired' });
        }, Math.max(0, Math.min(limits.resumeGraceMs, session.graceEndsAt - now())));
      }
      return;
    }
    graceTimer = clearTimer(graceTimer);
    if (session.status !== 'joined') forgetSession();
  }

  function stop(error: UiError, retryable: boolean): void {
    retryTimer = clearTimer(retryTimer);
    joinTimer = clearTimer(joinTimer);
    forgetSession();
    emit({ type: 'stopped', error, retryable });
  }

  function scheduleRetry(error: UiError, notBeforeMs: number | null): void {
    joinTimer = clearTimer(joinTimer);
    stopProbes();
    resumePending = false;
    const delay = Math.max(backoffDelay(Math.max(1, failedTries), limits, random), notBeforeMs ?? 0);
    const nextTryAt = now() + delay;
    emit({ type: 'link-failed', error, attempt: failedTries + 1, nextTryAt, resumable: resumeToken !== null });
    log?.info({ code: error.code, attempt: failedTries + 1, delayMs: delay }, 'co-browse channel: reconnect scheduled');
    retryTimer = clearTimer(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void attempt();
    }, delay);
  }

  /** Re-arms the dead-link detector: silence past the heartbeat → our own ping → no answer → dead. */
  function sawTraffic(l: Link): void {
    if (l.welcomedAt === null || link !== l) return;
    l.idleTimer = clearTimer(l.idleTimer);
    l.idleTimer = setTimeout(() => {
      if (l.socket.readyState !== WebSocket.OPEN) return;
      l.socket.ping();
      l.idleTimer = setTimeout(() => {
        l.error = knownError('COBROWSE_CONNECTION_LOST');
        log?.warn({ silentMs: l.heartbeatMs + limits.heartbeatGraceMs + limits.pingTimeoutMs }, 'co-browse channel: no traffic, link considered dead');
        l.socket.terminate();
      }, limits.pingTimeoutMs);
    }, l.heartbeatMs + limits.heartbeatGraceMs);
  }

  function failLink(l: Link, error: UiError, closeCode: number): void {
    l.error = error;
    clearLinkTimers(l);
    if (l.socket.readyState === WebSocket.OPEN) l.socket.close(closeCode);
    else l.socket.terminate();
  }

  function onServerMessage(l: Link, message: ServerToAgent): void {
    if (l.welcomedAt === null && message.type !== 'welcome') {
      failLink(l, knownError('COBROWSE_PROTOCOL_ERROR'), 1002);
      return;
    }
    switch (message.type) {
      case 'welcome':
        if (l.welcomedAt !== null) return;
        l.welcomedAt = now();
        l.heartbeatMs = message.heartbeatMs;
        l.setupTimer = clearTimer(l.setupTimer);
        identityRefusals = 0;
        log?.info({ agentAuth: message.agentAuth }, 'co-browse channel: connected');
        emit({ type: 'welcomed', agentAuth: message.agentAuth });
        sawTraffic(l);
        if (state.session.status === 'reconnecting' && resumeToken !== null) sendResume(resumeToken);
        return;
      case 'joined': {
        joinTimer = clearTimer(joinTimer);
        const resumed = message.resumed === true;
        if (resumed && !resumePending) return;
        resumePending = false;
        if (message.resumeToken !== undefined) resumeToken = message.resumeToken;
        emit({ type: 'joined', sessionId: message.sessionId, customerOrigin: message.customerOrigin, assetOrigins: message.assetOrigins ?? [], resumed, control: message.control ?? null });
        if (state.session.status === 'joined') {
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
        } else if (state.session.status === 'joining') {
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

  function onMessage(l: Link, data: WebSocket.RawData, isBinary: boolean): void {
    sawTraffic(l);
    if (isBinary) {
      if (l.welcomedAt === null || state.session.status !== 'joined') return;
      const receivedAt = now();
      const frame = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      for (const listener of frameListeners) listener(frame, receivedAt);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      json = undefined;
    }
    const parsed = serverToAgentSchema.safeParse(json);
    if (parsed.success) {
      onServerMessage(l, parsed.data);
      return;
    }
    if (l.welcomedAt === null) {
      failLink(l, knownError('COBROWSE_PROTOCOL_ERROR'), 1002);
      return;
    }
    // After the welcome, a message we cannot read is most likely from a newer server: skip it
    // rather than drop a working link (and loop on reconnects).
    log?.warn({ type: typeof json === 'object' && json !== null && 'type' in json ? String(json.type).slice(0, 40) : null }, 'co-browse channel: unreadable server message ignored');
  }

  function onSocketClosed(l: Link, code: number, reason: Buffer): void {
    clearLinkTimers(l);
    if (link !== l) return;
    link = null;
    if (!wanted) return;
    const { refusal } = l;
    if (refusal) {
      failedTries += 1;
      switch (refusal.action) {
        case 'terminal':
          log?.warn({ code: refusal.error.code, status: refusal.status }, 'co-browse channel: refused, not retrying');
          stop(refusal.error, false);
          return;
        case 'identity':
          identityRefusals += 1;
          log?.warn({ code: refusal.error.code, status: refusal.status, refusals: identityRefusals }, 'co-browse channel: sign-in refused');
          if (identityRefusals > limits.maxIdentityRefusals) stop(refusal.error, false);
          else scheduleRetry(refusal.error, null);
          return;
        case 'retry':
          if (refusal.retryAfterMs !== null && refusal.retryAfterMs > limits.retryAfterCapMs) {
            stop(refusal.error, true);
          } else {
            scheduleRetry(refusal.error, refusal.retryAfterMs);
          }
          return;
        default:
          assertNever(refusal.action, 'refusal action');
      }
    }
    if (l.welcomedAt !== null) {
      const closeReason = reason.toString('utf8');
      const error = l.error ?? (isErrorCode(closeReason) ? knownError(closeReason) : knownError('COBROWSE_CONNECTION_LOST'));
      failedTries = now() - l.welcomedAt >= limits.stableLinkMs ? 0 : failedTries + 1;
      log?.warn({ closeCode: code, code: error.code }, 'co-browse channel: link lost');
      scheduleRetry(error, null);
      return;
    }
    failedTries += 1;
    scheduleRetry(l.error ?? knownError('COBROWSE_UNREACHABLE'), null);
  }

  async function attempt(): Promise<void> {
    retryTimer = clearTimer(retryTimer);
    const mine = ++generation;
    if (channelUrl === null) {
      stop(urlError ?? knownError('SERVER_URL_INVALID'), false);
      return;
    }
    emit({ type: 'connecting', attempt: failedTries + 1 });
    const headers: Record<string, string> = {};
    try {
      const agentToken = await options.getAgentToken();
      const accessToken = options.getAccessToken ? await options.getAccessToken() : null;
      if (agentToken) headers[AGENT_TOKEN_HEADER] = agentToken;
      if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    } catch (cause) {
      if (mine !== generation || !wanted) return;
      failedTries += 1;
      scheduleRetry(errorOf(cause, 'COBROWSE_UNREACHABLE'), null);
      return;
    }
    if (mine !== generation || !wanted) return;
    let network: SocketOptions = {};
    try {
      if (options.socketOptions) network = await options.socketOptions(channelUrl);
    } catch (cause) {
      if (mine !== generation || !wanted) return;
      options.logger?.warn({ error: (cause as Error).message }, 'no route to the co-browse server');
      failedTries += 1;
      scheduleRetry(errorOf(cause, 'COBROWSE_UNREACHABLE'), null);
      return;
    }
    if (mine !== generation || !wanted) return;

    const socket = new WebSocket(channelUrl, {
      ...(network.agent ? { agent: network.agent } : {}),
      ...(network.ca ? { ca: [...network.ca] } : {}),
      headers,
      handshakeTimeout: limits.handshakeTimeoutMs,
      maxPayload: limits.maxPayloadBytes,
      followRedirects: false,
    });
    const l: Link = { socket, welcomedAt: null, refusal: null, error: null, heartbeatMs: limits.defaultHeartbeatMs, idleTimer: null, setupTimer: null };
    link = l;

    socket.on('unexpected-response', (_req, res) => {
      void readBody(res, limits.refusalBodyMaxBytes, limits.handshakeTimeoutMs).then((body) => {
        l.refusal = classifyRefusal({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          body,
          retryAfter: res.headers['retry-after'],
          now: now(),
        });
        socket.terminate();
      });
    });
    socket.on('open', () => {
      l.setupTimer = setTimeout(() => failLink(l, knownError('COBROWSE_UNREACHABLE'), 1002), limits.welcomeTimeoutMs);
    });
    socket.on('message', (data, isBinary) => onMessage(l, data, isBinary));
    socket.on('ping', () => sawTraffic(l));
    socket.on('pong', () => sawTraffic(l));
    socket.on('error', (err: Error & { code?: string }) => {
      // Network errors carry no secret; the message may name the host, which is not secret either.
      if (l.error === null && l.refusal === null) {
        l.error = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? knownError('COBROWSE_PROTOCOL_ERROR') : knownError(l.welcomedAt === null ? 'COBROWSE_UNREACHABLE' : 'COBROWSE_CONNECTION_LOST');
      }
      log?.warn({ err: err.code ?? err.message }, 'co-browse channel: socket error');
    });
    socket.on('close', (code, reason) => onSocketClosed(l, code, reason));
  }

  function connect(): void {
    if (wanted && state.connection.status !== 'failed') return;
    wanted = true;
    failedTries = 0;
    identityRefusals = 0;
    void attempt();
  }

  function send(message: AgentToServer): void {
    const socket = link?.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) throw new AgentDeskError('COBROWSE_NOT_CONNECTED');
    socket.send(JSON.stringify(message));
  }

  function trySend(message: AgentToServer): boolean {
    try {
      send(message);
      return true;
    } catch {
      return false;
    }
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
    if (state.session.status !== 'joined') throw new AgentDeskError('COBROWSE_NOT_IN_SESSION');
    try {
      send(message);
    } catch {
      throw new AgentDeskError('COBROWSE_NOT_IN_SESSION');
    }
  }

  return {
    state: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onPageFrame(listener) {
      frameListeners.add(listener);
      return () => frameListeners.delete(listener);
    },
    connect,
    join(code) {
      const parsed = sessionCodeSchema.safeParse(code);
      if (!parsed.success) throw new AgentDeskError('SESSION_CODE_INVALID');
      if (state.connection.status !== 'connected') throw new AgentDeskError('COBROWSE_NOT_CONNECTED');
      const { status } = state.session;
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
      const { status } = state.session;
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
    requestControl() {
      const current = state.session.status === 'joined' ? state.session.control : null;
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
      if (state.session.status !== 'joined') throw new AgentDeskError('COBROWSE_NOT_IN_SESSION');
      if (state.session.control !== 'granted') throw new AgentDeskError('WRITE_MODE_NOT_GRANTED');
      const id = nextActionId++;
      sendInSession({ type: 'action', id, action });
      return id;
    },
    clockOffset: () => clock.offset(),
    retry() {
      if (!wanted) {
        connect();
        return;
      }
      const { status } = state.connection;
      if (status === 'reconnecting') {
        void attempt();
      } else if (status === 'failed') {
        failedTries = 0;
        identityRefusals = 0;
        void attempt();
      }
    },
    async close() {
      wanted = false;
      generation += 1;
      retryTimer = clearTimer(retryTimer);
      joinTimer = clearTimer(joinTimer);
      forgetSession();
      const l = link;
      link = null;
      emit({ type: 'closed' });
      if (!l) return;
      clearLinkTimers(l);
      if (l.socket.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => l.socket.terminate(), limits.pingTimeoutMs);
        l.socket.once('close', () => {
          clearTimeout(force);
          resolve();
        });
        if (l.socket.readyState === WebSocket.OPEN) l.socket.close(1000);
        else l.socket.terminate();
      });
    },
  };
}
