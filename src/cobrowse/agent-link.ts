// The agent link: one WebSocket to <server>/cobrowse/agent, opened by the main process with the
// shared agent token (X-Cobrowse-Agent-Token) and, when signed in, the agent's access token
// (Authorization: Bearer). It keeps the link alive (heartbeat, reconnect with capped full-jitter
// backoff), classifies handshake refusals, and stops in `failed` on those retrying cannot fix.
// What travels on the link once it is up belongs to the live session (live-session.ts).
// Just over 400 lines: the link's states (connecting, up, waiting, failed) and their timers are
// one state machine; the pure parts are refusal classification and backoff beside it.
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { UiError } from '../../common/api.js';
import { AgentDeskError, isErrorCode } from '../../common/errors.js';
import { parseJsonText } from '../../common/parse-json.js';
import { AGENT_TOKEN_HEADER, serverToAgentSchema, type AgentToServer, type ServerToAgent } from '../../common/protocol.js';
import { assertNever } from '../../common/assert-never.js';
import type { SocketOptions } from '../desktop-port.js';
import { agentChannelUrl } from './agent-channel-url.js';
import { certificateError } from './certificate-error.js';
import { backoffDelay } from './backoff.js';
import type { ChannelEvent, ChannelState } from './channel-state.js';
import { errorOf, knownError, type ChannelLogger } from './channel-errors.js';
import { classifyRefusal, type Refusal } from './handshake-refusal.js';
import { renewalDelayMs, renewalRetryMs } from './identity-renewal.js';
import type { ChannelLimits } from './limits.js';

export interface AgentLinkOptions {
  readonly serverUrl: string;
  readonly getAgentToken: () => Promise<string | null>;
  readonly getAccessToken?: () => Promise<string | null>;
  readonly socketOptions?: (url: string) => Promise<SocketOptions>;
  readonly logger?: ChannelLogger;
  readonly limits: ChannelLimits;
  readonly now: () => number;
  readonly random: () => number;
}

/** What the link tells the channel and the live session on top of it. */
export interface AgentLinkHooks {
  emit(event: ChannelEvent): void;
  state(): ChannelState;
  /** The server welcomed this link: a session waiting for it may resume. */
  welcomed(): void;
  /** Every server message after the welcome. */
  message(message: Exclude<ServerToAgent, { type: 'welcome' | 'identity-renewed' }>): void;
  /** A binary page frame on a welcomed link, with the epoch ms it arrived. */
  frame(frame: Buffer, receivedAt: number): void;
  /** The link broke and another try is scheduled: requests awaiting an answer are void. */
  down(): void;
  /** Whether the session can be resumed on the next link. */
  resumable(): boolean;
  /** The link stopped for good or was closed on purpose: the session is over. */
  stopped(): void;
}

export interface AgentLink {
  /** Starts connecting (and keeps the link up) until `close()`. Idempotent. */
  connect(): void;
  /** Sends on the open link; throws COBROWSE_NOT_CONNECTED when there is none. */
  send(message: AgentToServer): void;
  /** Tries now: skips a reconnect wait, or starts again after `failed`. */
  retry(): void;
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
  /** The access token this link's identity rests on (the handshake's, then each renewal's). */
  accessToken: string | null;
  renewTimer: NodeJS.Timeout | null;
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

function clearTimer(timer: NodeJS.Timeout | null): null {
  if (timer) clearTimeout(timer);
  return null;
}

export function createAgentLink(options: AgentLinkOptions, hooks: AgentLinkHooks): AgentLink {
  const { limits, now, random } = options;
  const log = options.logger;
  const emit = hooks.emit;
  // Validated once: a bad URL is a settings problem, reported as `failed` by connect().
  let channelUrl: string | null = null;
  let urlError: UiError | null = null;
  try {
    channelUrl = agentChannelUrl(options.serverUrl);
  } catch (cause) {
    urlError = errorOf(cause, 'SERVER_URL_INVALID');
  }
  let wanted = false;
  let link: Link | null = null;
  /** Bumped by every new try and by close(), so late callbacks of an old try do nothing. */
  let generation = 0;
  /** Failed tries since the link was last up and stable; drives the backoff and the attempt number. */
  let failedTries = 0;
  let identityRefusals = 0;
  let retryTimer: NodeJS.Timeout | null = null;

  function clearLinkTimers(l: Link): void {
    l.idleTimer = clearTimer(l.idleTimer);
    l.setupTimer = clearTimer(l.setupTimer);
    l.renewTimer = clearTimer(l.renewTimer);
  }

  /** Presents a refreshed access token on the open link before the server's deadline (its exp). */
  function scheduleRenewal(l: Link, delayMs: number | null): void {
    l.renewTimer = clearTimer(l.renewTimer);
    if (delayMs === null || !options.getAccessToken) return;
    l.renewTimer = setTimeout(() => void renew(l), delayMs);
  }

  async function renew(l: Link): Promise<void> {
    const current = l.accessToken;
    let next: string | null = null;
    try {
      next = (await options.getAccessToken?.()) ?? null;
    } catch (err) {
      log?.warn({ code: errorOf(err, 'COBROWSE_UNREACHABLE').code }, 'co-browse channel: no renewed sign-in for the open link');
    }
    if (link !== l || l.socket.readyState !== WebSocket.OPEN || current === null) return;
    if (next === null || next === current) {
      // Not refreshed yet (or no token for this server now): ask again while the old token lasts;
      // past it the server ends the link with AGENT_IDENTITY_EXPIRED and the next try signs its
      // handshake with whatever the sign-in service has then.
      scheduleRenewal(l, renewalRetryMs(current, now(), limits.identityRenewRetryMs));
      return;
    }
    l.accessToken = next;
    l.socket.send(JSON.stringify({ type: 'identity', accessToken: next } satisfies AgentToServer));
  }

  function stop(error: UiError, retryable: boolean): void {
    retryTimer = clearTimer(retryTimer);
    hooks.stopped();
    emit({ type: 'stopped', error, retryable });
  }

  function scheduleRetry(error: UiError, notBeforeMs: number | null): void {
    hooks.down();
    const delay = Math.max(backoffDelay(Math.max(1, failedTries), limits, random), notBeforeMs ?? 0);
    const nextTryAt = now() + delay;
    emit({ type: 'link-failed', error, attempt: failedTries + 1, nextTryAt, resumable: hooks.resumable() });
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
    if (message.type === 'identity-renewed') {
      if (l.accessToken) scheduleRenewal(l, renewalDelayMs(l.accessToken, now(), limits.identityRenewMarginMs));
      return;
    }
    if (message.type !== 'welcome') {
      hooks.message(message);
      return;
    }
    if (l.welcomedAt !== null) return;
    l.welcomedAt = now();
    l.heartbeatMs = message.heartbeatMs;
    l.setupTimer = clearTimer(l.setupTimer);
    identityRefusals = 0;
    log?.info({ agentAuth: message.agentAuth }, 'co-browse channel: connected');
    emit({ type: 'welcomed', agentAuth: message.agentAuth });
    // The server checked our identity: it will end the link at the token's expiry unless renewed.
    if (message.identity !== null && l.accessToken) scheduleRenewal(l, renewalDelayMs(l.accessToken, now(), limits.identityRenewMarginMs));
    sawTraffic(l);
    hooks.welcomed();
  }

  function onMessage(l: Link, data: WebSocket.RawData, isBinary: boolean): void {
    sawTraffic(l);
    if (isBinary) {
      if (l.welcomedAt === null) return;
      const receivedAt = now();
      hooks.frame(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data), receivedAt);
      return;
    }
    const parsed = parseJsonText(data.toString(), serverToAgentSchema);
    if (parsed.ok) {
      onServerMessage(l, parsed.value);
      return;
    }
    if (l.welcomedAt === null) {
      failLink(l, knownError('COBROWSE_PROTOCOL_ERROR'), 1002);
      return;
    }
    // After the welcome, a message we cannot read is most likely from a newer server: skip it
    // rather than drop a working link (and loop on reconnects).
    const json = parsed.json;
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
    let accessToken: string | null = null;
    try {
      const agentToken = await options.getAgentToken();
      accessToken = options.getAccessToken ? await options.getAccessToken() : null;
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
    const l: Link = { socket, welcomedAt: null, refusal: null, error: null, heartbeatMs: limits.defaultHeartbeatMs, idleTimer: null, setupTimer: null, accessToken, renewTimer: null };
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
        const certificate = certificateError(err.code);
        l.error = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
          ? knownError('COBROWSE_PROTOCOL_ERROR')
          : knownError(certificate ?? (l.welcomedAt === null ? 'COBROWSE_UNREACHABLE' : 'COBROWSE_CONNECTION_LOST'));
      }
      log?.warn({ err: err.code ?? err.message }, 'co-browse channel: socket error');
    });
    socket.on('close', (code, reason) => onSocketClosed(l, code, reason));
  }

  function connect(): void {
    if (wanted && hooks.state().connection.status !== 'failed') return;
    wanted = true;
    failedTries = 0;
    identityRefusals = 0;
    void attempt();
  }

  return {
    connect,
    send(message) {
      const socket = link?.socket;
      if (!socket || socket.readyState !== WebSocket.OPEN) throw new AgentDeskError('COBROWSE_NOT_CONNECTED');
      socket.send(JSON.stringify(message));
    },
    retry() {
      if (!wanted) {
        connect();
        return;
      }
      const { status } = hooks.state().connection;
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
      hooks.stopped();
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
