// The agent desktop's co-browse channel: the agent link (agent-link.ts: socket, handshake
// headers, refusal classification, heartbeat, backoff) and the live session on top of it
// (live-session.ts: join, resume, probes, control, actions), sharing one ChannelState that
// channel-state.ts reduces. This file wires the two together and is the API the app uses.
import type { AgentAction } from '../../common/protocol.js';
import type { SocketOptions } from '../desktop-port.js';
import { createAgentLink } from './agent-link.js';
import type { ChannelLogger } from './channel-errors.js';
import { INITIAL_CHANNEL_STATE, reduceChannel, type ChannelEvent, type ChannelState } from './channel-state.js';
import { CHANNEL_LIMITS, type ChannelLimits } from './limits.js';
import { createLiveSession, type SessionOperations } from './live-session.js';

export type { ChannelLogger } from './channel-errors.js';
export type { PageFrameListener } from './live-session.js';

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

export interface CobrowseChannel extends SessionOperations {
  state(): ChannelState;
  /** Called on every state change; returns the unsubscribe function. */
  onState(listener: ChannelStateListener): () => void;
  /** Starts connecting (and keeps the link up) until `close()`. Idempotent. */
  connect(): void;
  /** Tries now: skips a reconnect wait, or starts again after `failed`. */
  retry(): void;
  /** Closes the link on purpose and stops reconnecting. Resolves when the socket is closed. */
  close(): Promise<void>;
}

export function createCobrowseChannel(options: CobrowseChannelOptions): CobrowseChannel {
  const limits: ChannelLimits = { ...CHANNEL_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  let state = INITIAL_CHANNEL_STATE;
  const stateListeners = new Set<ChannelStateListener>();

  function emit(event: ChannelEvent): void {
    const next = reduceChannel(state, event, now());
    if (next === state) return;
    state = next;
    session.stateChanged();
    for (const listener of stateListeners) listener(state);
  }

  const current = (): ChannelState => state;
  const session = createLiveSession({ send: (message) => link.send(message), emit, state: current, limits, now, ...(options.logger ? { logger: options.logger } : {}) });
  const link = createAgentLink(
    {
      serverUrl: options.serverUrl,
      getAgentToken: options.getAgentToken,
      ...(options.getAccessToken ? { getAccessToken: options.getAccessToken } : {}),
      ...(options.socketOptions ? { socketOptions: options.socketOptions } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      limits,
      now,
      random: options.random ?? Math.random,
    },
    {
      emit,
      state: current,
      welcomed: () => session.welcomed(),
      message: (message) => session.message(message),
      frame: (frame, receivedAt) => session.frame(frame, receivedAt),
      down: () => session.down(),
      resumable: () => session.resumable(),
      stopped: () => session.stopped(),
    },
  );

  return {
    state: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onPageFrame: (listener) => session.onPageFrame(listener),
    connect: () => link.connect(),
    join: (code) => session.join(code),
    leave: () => session.leave(),
    pointAt: (nodeId) => session.pointAt(nodeId),
    moveCursor: (at) => session.moveCursor(at),
    annotate: (points) => session.annotate(points),
    requestSnapshot: () => session.requestSnapshot(),
    requestControl: () => session.requestControl(),
    releaseControl: () => session.releaseControl(),
    sendAction: (action: AgentAction) => session.sendAction(action),
    clockOffset: () => session.clockOffset(),
    retry: () => link.retry(),
    close: () => link.close(),
  };
}
