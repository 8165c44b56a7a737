// Cluster mode's socket routing. Every session runs on one node, its home (where it was created):
// the hub there keeps its state and timers. A socket that reaches any node is first given to that
// node's hub; when its first session message (customer hello, agent join or resume) names a
// session homed on another live node, the router takes the socket back from the local hub and
// relays it to the home through the session's Redis channel (session-relay-bus.ts), where a
// VirtualSocket stands in for it. Same-node sessions keep the direct path (one extra call).
// The router also keeps each real socket's heartbeat and, for relayed sockets, the slow-reader cap
// and a watch on the home: a home that stops renewing its liveness key is gone, so its relayed
// sockets are closed with 1012 and the clients reconnect.
// Over 400 lines: the take-back, relay and home watch act on the same per-socket records, so they
// stay in one place; the Redis transport, liveness keys and the stand-in socket have their own files.
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { AgentIdentity } from '../../common/protocol.js';
import type { NetLimits } from '../limits.js';
import type { AgentAdmissionInfo } from '../ws/session-hub.js';
import { SESSION_STATE_FLUSH_MS, SESSION_TOUCH_INTERVAL_MS } from './cluster-limits.js';
import type { NodeLiveness } from './node-liveness.js';
import type { SessionHomes, SharedSessionState } from './session-homes.js';
import type { SessionRelayBus, TunnelMessage } from './session-relay-bus.js';
import { VirtualSocket } from './virtual-socket.js';

/** What the router needs of the hub: where accepted sockets go, and whether a session still runs. */
export interface RoutedHub {
  addAgent(ws: WebSocket, address: string, admission: AgentAdmissionInfo): unknown;
  addCustomer(ws: WebSocket, address: string, origin: string, helloAccepted?: () => void): unknown;
}

export interface ClusterRouterDeps {
  readonly hub: RoutedHub;
  readonly node: string;
  readonly bus: SessionRelayBus;
  readonly homes: SessionHomes;
  readonly liveness: NodeLiveness;
  readonly logger: Logger;
  readonly limits: Pick<NetLimits, 'heartbeatIntervalMs' | 'maxBufferedBytes' | 'sessionUnjoinedTtlMs'>;
  /** Whether a session homed here still runs (its relay channel is dropped when not). */
  readonly sessionIsLive: (sessionId: string) => boolean;
  /** The hub's state of a session homed here, to share (null once it ended). */
  readonly sessionState: (sessionId: string) => Promise<Omit<SharedSessionState, 'customerSeen' | 'lastActionId'> | null>;
  /** Runs a session whose home died on this node's hub, from its shared state. */
  readonly adopt: (state: SharedSessionState) => Promise<void>;
}

/** Close code for "this node is going away or its session's node died: reconnect". */
export const RECONNECT_CLOSE_CODE = 1012;

type Binding = { readonly where: 'local'; readonly socket: VirtualSocket } | { readonly where: 'remote'; readonly sessionId: string; readonly home: string };

interface EdgeConnection {
  readonly id: string;
  readonly kind: 'agent' | 'customer';
  readonly ws: WebSocket;
  readonly address: string;
  readonly admission: AgentAdmissionInfo | null;
  readonly origin: string;
  binding: Binding | null;
  /** The socket is in a session (joined/ready seen), so its messages need no routing. */
  inSession: boolean;
  /** The edge's pre-hello allowance ends when the hub (here or at the home node) answers ready. */
  helloAccepted?: () => void;
  /** Messages that arrived while a routing decision was being made. */
  queue: { data: Buffer; isBinary: boolean }[] | null;
  alive: boolean;
  /** Drop the next welcome: the agent already had one from the first hub it met. */
  dropWelcome: boolean;
  /** The session it is in, once joined/ready was seen. */
  sessionId: string | null;
  /** When the agent's access token ends its socket: the handshake's `exp`, then each
   *  `identity-renewed` that passed to it (from whichever hub verified the renewal). */
  identityExpiresAt: number | null;
}

interface HomeSocket {
  readonly sessionId: string;
  readonly kind: 'agent' | 'customer';
  readonly socket: VirtualSocket;
}

function connId(): string {
  return randomBytes(16).toString('hex');
}

function hexDigest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function toBuffer(data: RawData): Buffer | null {
  return Buffer.isBuffer(data) ? data : null;
}

/** Session-naming first messages, read without trusting them (the hub parses them properly). */
function firstSessionMessage(kind: 'agent' | 'customer', data: Buffer): { readonly by: 'code' | 'resume' | 'id'; readonly value: string } | null {
  if (data.length > 4096) return null;
  let message: unknown;
  try {
    message = JSON.parse(data.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  if (kind === 'agent' && m.type === 'join' && typeof m.code === 'string') return { by: 'code', value: m.code };
  if (kind === 'agent' && m.type === 'resume' && typeof m.resumeToken === 'string') return { by: 'resume', value: m.resumeToken };
  if (kind === 'customer' && m.type === 'hello' && typeof m.sessionId === 'string') return { by: 'id', value: m.sessionId };
  return null;
}

export class ClusterRouter {
  readonly #deps: ClusterRouterDeps;
  readonly #edges = new Map<string, EdgeConnection>();
  readonly #homeSockets = new Map<string, HomeSocket>();
  /** Sessions homed here whose channel this node listens to. */
  readonly #homed = new Set<string>();
  /** Relay channels this node listens to as an edge: session id → how many of its sockets. */
  readonly #edgeChannels = new Map<string, number>();
  readonly #timers: NodeJS.Timeout[] = [];
  /** Homed sessions whose state changed since it was last shared. */
  readonly #dirty = new Set<string>();
  /** Per homed session: the customer said hello once; the highest action id passed on. */
  readonly #homeFacts = new Map<string, { customerSeen: boolean; lastActionId: number }>();

  constructor(deps: ClusterRouterDeps) {
    this.#deps = deps;
    const beat = setInterval(() => void this.#heartbeat(), deps.limits.heartbeatIntervalMs);
    const touch = setInterval(() => void deps.homes.touch([...this.#homed]).catch(() => {}), SESSION_TOUCH_INTERVAL_MS);
    const watch = setInterval(() => void this.#watchHomes(), 500);
    const flush = setInterval(() => this.#flushDirty(), SESSION_STATE_FLUSH_MS);
    for (const t of [beat, touch, watch, flush]) t.unref();
    this.#timers.push(beat, touch, watch, flush);
  }

  /** Sockets on this node: agents and customers it holds, whether their session runs here or not. */
  counts(): { readonly edges: number; readonly relayed: number; readonly homed: number } {
    let relayed = 0;
    for (const conn of this.#edges.values()) if (conn.binding?.where === 'remote') relayed += 1;
    return { edges: this.#edges.size, relayed, homed: this.#homed.size };
  }

  // ---- sockets accepted on this node ----

  addAgent(ws: WebSocket, address: string, admission: AgentAdmissionInfo): void {
    this.#addEdge({ id: connId(), kind: 'agent', ws, address, admission, origin: '', binding: null, inSession: false, queue: null, alive: true, dropWelcome: false, sessionId: null, identityExpiresAt: admission.identityExpiresAt ?? null });
  }

  addCustomer(ws: WebSocket, address: string, origin: string, helloAccepted?: () => void): void {
    this.#addEdge({ id: connId(), kind: 'customer', ws, address, admission: null, origin, binding: null, inSession: false, queue: null, alive: true, dropWelcome: false, sessionId: null, identityExpiresAt: null, ...(helloAccepted ? { helloAccepted } : {}) });
  }

  #addEdge(conn: EdgeConnection): void {
    this.#edges.set(conn.id, conn);
    conn.ws.on('pong', () => (conn.alive = true));
    conn.ws.on('error', () => {});
    conn.ws.on('message', (data, isBinary) => this.#fromClient(conn, data, isBinary));
    conn.ws.on('close', (code) => this.#clientClosed(conn, code));
    this.#bindLocal(conn);
  }

  #fromClient(conn: EdgeConnection, raw: RawData, isBinary: boolean): void {
    const data = toBuffer(raw);
    if (!data) return;
    if (conn.queue) {
      conn.queue.push({ data, isBinary });
      return;
    }
    const names = !conn.inSession && !isBinary ? firstSessionMessage(conn.kind, data) : null;
    if (!names) {
      this.#deliver(conn, data, isBinary);
      return;
    }
    conn.queue = [{ data, isBinary }];
    void this.#route(conn, names).finally(() => {
      const queued = conn.queue ?? [];
      conn.queue = null;
      for (const m of queued) this.#deliver(conn, m.data, m.isBinary);
    });
  }

  /** Finds the session's home and moves the socket there if it is not where it is bound now. */
  async #route(conn: EdgeConnection, names: { readonly by: 'code' | 'resume' | 'id'; readonly value: string }): Promise<void> {
    const { homes, liveness, node } = this.#deps;
    let sessionId: string | null = null;
    let home: string | null = null;
    try {
      sessionId = names.by === 'id' ? names.value : names.by === 'code' ? await homes.sessionOfCode(names.value) : await homes.sessionOfResume(hexDigest(names.value));
      home = sessionId ? await homes.homeOf(sessionId) : null;
      if (sessionId && home && home !== node && !(await liveness.isAlive(home))) home = await this.#takeOver(sessionId, home);
    } catch {
      home = null;
    }
    // Unknown here, or homed on this node, or its home is gone: this node's hub answers.
    const target = !sessionId || !home || home === node ? null : { sessionId, home };
    const current = conn.binding;
    if (target === null && current?.where === 'local') return;
    if (target && current?.where === 'remote' && current.sessionId === target.sessionId) return;
    this.#unbind(conn);
    if (target === null) {
      conn.dropWelcome = conn.kind === 'agent';
      this.#bindLocal(conn);
      return;
    }
    await this.#bindRemote(conn, target.sessionId, target.home);
  }

  /** The home died: this node takes the session over from its shared state (or learns who did). */
  async #takeOver(sessionId: string, deadHome: string): Promise<string | null> {
    const { homes, node, logger } = this.#deps;
    const state = await homes.state(sessionId);
    if (!state) return null;
    const winner = await homes.claim(sessionId, deadHome, node);
    if (winner !== node) return winner;
    if (!this.#homed.has(sessionId)) {
      this.#homed.add(sessionId);
      this.#homeFacts.set(sessionId, { customerSeen: state.customerSeen, lastActionId: state.lastActionId });
      await this.#deps.adopt(state);
      await this.#deps.bus.listen(sessionId, (m) => this.#fromBus(m));
      logger.warn({ sessionId, deadHome, node }, 'took over a session whose home node is gone');
    }
    return node;
  }

  #bindLocal(conn: EdgeConnection): void {
    const socket = new VirtualSocket({
      send: (data, binary) => this.#toClient(conn, data, binary),
      close: (code, reason) => conn.ws.close(code, reason),
      bufferedAmount: () => conn.ws.bufferedAmount,
    });
    conn.binding = { where: 'local', socket };
    const ws = socket.asWebSocket();
    // A socket bound back here after a relay keeps the deadline its renewals moved.
    if (conn.kind === 'agent') this.#deps.hub.addAgent(ws, conn.address, { ...conn.admission!, identityExpiresAt: conn.identityExpiresAt });
    else this.#deps.hub.addCustomer(ws, conn.address, conn.origin);
  }

  async #bindRemote(conn: EdgeConnection, sessionId: string, home: string): Promise<void> {
    conn.binding = { where: 'remote', sessionId, home };
    conn.dropWelcome = conn.kind === 'agent';
    this.#edgeChannels.set(sessionId, (this.#edgeChannels.get(sessionId) ?? 0) + 1);
    await this.#deps.bus.listen(sessionId, (m) => this.#fromBus(m));
    const open =
      conn.kind === 'agent'
        ? { address: conn.address, agentAuth: conn.admission!.agentAuth, identity: conn.admission!.identity, identityExpiresAt: conn.identityExpiresAt, tokenDigest: conn.admission!.tokenDigest?.toString('hex') ?? null }
        : { address: conn.address, origin: conn.origin };
    await this.#deps.bus.send(sessionId, 'home', conn.kind === 'agent' ? 'open-agent' : 'open-customer', conn.id, JSON.stringify(open)).catch(() => false);
    this.#deps.logger.info({ sessionId, side: conn.kind, home, node: this.#deps.node }, 'socket relayed to the session\'s home node');
  }

  /** Takes the socket away from where it is bound (a local hub hears it closed). */
  #unbind(conn: EdgeConnection): void {
    const binding = conn.binding;
    conn.binding = null;
    if (!binding) return;
    if (binding.where === 'local') {
      binding.socket.closed(1000);
      return;
    }
    void this.#deps.bus.send(binding.sessionId, 'home', 'closed', conn.id, '1000').catch(() => {});
    this.#releaseEdgeChannel(binding.sessionId);
  }

  #releaseEdgeChannel(sessionId: string): void {
    const left = (this.#edgeChannels.get(sessionId) ?? 1) - 1;
    if (left > 0) {
      this.#edgeChannels.set(sessionId, left);
      return;
    }
    this.#edgeChannels.delete(sessionId);
    if (!this.#homed.has(sessionId)) void this.#deps.bus.stop(sessionId);
  }

  #deliver(conn: EdgeConnection, data: Buffer, isBinary: boolean): void {
    const binding = conn.binding;
    if (!binding) return;
    if (binding.where === 'local') {
      if (!isBinary && conn.sessionId && this.#homed.has(conn.sessionId)) {
        if (this.#repeatedAction(conn.sessionId, conn.kind, data)) return;
        this.#markDirty(conn.sessionId);
      }
      binding.socket.received(data, isBinary);
    }
    else void this.#deps.bus.send(binding.sessionId, 'home', isBinary ? 'binary' : 'text', conn.id, data).catch(() => {});
  }

  /** Writes to the real socket: from this node's hub or from the home node. */
  #toClient(conn: EdgeConnection, data: Buffer | string, binary: boolean): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (!binary) {
      const text = typeof data === 'string' ? data : data.toString('utf8');
      if (text.startsWith('{"type":"welcome"') && conn.dropWelcome) {
        conn.dropWelcome = false;
        return;
      }
      this.#sniff(conn, text);
      if (conn.sessionId && conn.binding?.where === 'local' && this.#homed.has(conn.sessionId)) this.#stateChanged(conn.sessionId, text);
    }
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (conn.binding?.where === 'remote' && conn.ws.bufferedAmount + size > this.#deps.limits.maxBufferedBytes) {
      conn.ws.close(1013, 'PEER_TOO_SLOW');
      return;
    }
    conn.ws.send(data, { binary });
  }

  /** Learns from what the server tells the client whether it is in a session, and its resume token. */
  #sniff(conn: EdgeConnection, text: string): void {
    if (text.startsWith('{"type":"joined"') || text.startsWith('{"type":"ready"')) {
      conn.inSession = true;
      conn.helloAccepted?.();
      try {
        const joined = JSON.parse(text) as { sessionId?: unknown; resumeToken?: unknown };
        if (typeof joined.sessionId === 'string') conn.sessionId = joined.sessionId;
        if (conn.kind === 'customer' && typeof joined.sessionId === 'string') {
          const facts = this.#homeFacts.get(joined.sessionId);
          if (facts) facts.customerSeen = true;
        }
        if (conn.kind === 'agent' && typeof joined.sessionId === 'string' && typeof joined.resumeToken === 'string') {
          void this.#deps.homes.joined(joined.sessionId, hexDigest(joined.resumeToken)).catch(() => {});
        }
      } catch {
        // The hub wrote it; unreadable would be a bug there, and routing just falls back to local.
      }
    } else if (text.startsWith('{"type":"session-ended"')) {
      conn.inSession = false;
    } else if (text.startsWith('{"type":"identity-renewed"')) {
      try {
        const renewed = JSON.parse(text) as { expiresAt?: unknown };
        if (typeof renewed.expiresAt === 'number') conn.identityExpiresAt = renewed.expiresAt;
      } catch {
        // Written by a hub; the deadline just stays the one it was.
      }
    }
  }

  #clientClosed(conn: EdgeConnection, code: number): void {
    this.#edges.delete(conn.id);
    const binding = conn.binding;
    conn.binding = null;
    if (!binding) return;
    if (binding.where === 'local') {
      binding.socket.closed(code);
      return;
    }
    void this.#deps.bus.send(binding.sessionId, 'home', 'closed', conn.id, String(code)).catch(() => {});
    this.#releaseEdgeChannel(binding.sessionId);
  }

  // ---- the relay channel ----

  #fromBus(m: TunnelMessage): void {
    if (m.to === 'edge') {
      const conn = this.#edges.get(m.conn);
      if (!conn || conn.binding?.where !== 'remote' || conn.binding.sessionId !== m.sessionId) return;
      if (m.op === 'text' || m.op === 'binary') this.#toClient(conn, m.payload, m.op === 'binary');
      else if (m.op === 'close') {
        const { code, reason } = JSON.parse(m.payload.toString('utf8')) as { code: number; reason: string };
        conn.ws.close(code, reason);
      }
      return;
    }
    if (!this.#homed.has(m.sessionId)) return;
    switch (m.op) {
      case 'open-agent':
      case 'open-customer':
        this.#openHomeSocket(m);
        return;
      case 'text':
      case 'binary': {
        const home = this.#homeSockets.get(m.conn);
        if (!home) return;
        if (m.op === 'text') {
          if (this.#repeatedAction(m.sessionId, home.kind, m.payload)) return;
          this.#markDirty(m.sessionId);
        }
        home.socket.received(m.payload, m.op === 'binary');
        return;
      }
      case 'closed': {
        const home = this.#homeSockets.get(m.conn);
        this.#homeSockets.delete(m.conn);
        home?.socket.closed(Number(m.payload.toString('utf8')) || 1006);
        return;
      }
      case 'close':
        return;
    }
  }

  #openHomeSocket(m: TunnelMessage): void {
    const { sessionId, conn } = m;
    const socket = new VirtualSocket({
      send: (data, binary) => {
        if (!binary) this.#stateChanged(sessionId, typeof data === 'string' ? data : data.toString('utf8'));
        void this.#deps.bus.send(sessionId, 'edge', binary ? 'binary' : 'text', conn, data).catch(() => {});
      },
      close: (code, reason) => {
        void this.#deps.bus.send(sessionId, 'edge', 'close', conn, JSON.stringify({ code, reason })).catch(() => {});
        // The edge closes the real socket and answers 'closed'; until then the hub sees CLOSING.
      },
    });
    this.#homeSockets.set(conn, { sessionId, kind: m.op === 'open-agent' ? 'agent' : 'customer', socket });
    const open = JSON.parse(m.payload.toString('utf8')) as { address: string; origin?: string; agentAuth?: AgentAdmissionInfo['agentAuth']; identity?: AgentIdentity | null; identityExpiresAt?: number | null; tokenDigest?: string | null };
    const ws = socket.asWebSocket();
    if (m.op === 'open-agent') {
      this.#deps.hub.addAgent(ws, open.address, {
        agentAuth: open.agentAuth ?? 'none',
        identity: open.identity ?? null,
        // The home ends the relayed link at the token's expiry and verifies its renewals.
        identityExpiresAt: open.identityExpiresAt ?? null,
        tokenDigest: open.tokenDigest ? Buffer.from(open.tokenDigest, 'hex') : null,
      });
    } else {
      this.#deps.hub.addCustomer(ws, open.address, open.origin ?? '');
    }
  }

  // ---- sessions homed here ----

  /** A session was created on this node: it is its home. False when its code is live elsewhere
   *  in the cluster (the caller ends it and draws another). */
  async sessionCreated(sessionId: string, code: string): Promise<boolean> {
    this.#homed.add(sessionId);
    this.#homeFacts.set(sessionId, { customerSeen: false, lastActionId: 0 });
    this.#markDirty(sessionId);
    await this.#deps.bus.listen(sessionId, (m) => this.#fromBus(m));
    return this.#deps.homes.created(sessionId, code, this.#deps.node, this.#deps.limits.sessionUnjoinedTtlMs);
  }

  // ---- the state a homed session shares ----

  /** An agent's action id at or below the last one passed on (a repeat after a failover) is dropped. */
  #repeatedAction(sessionId: string, kind: 'agent' | 'customer', data: Buffer): boolean {
    if (kind !== 'agent' || data.length > 4096 || !data.subarray(0, 16).toString('latin1').startsWith('{"type":"action"')) return false;
    const facts = this.#homeFacts.get(sessionId);
    if (!facts) return false;
    let id: unknown;
    try {
      id = (JSON.parse(data.toString('utf8')) as { id?: unknown }).id;
    } catch {
      return false;
    }
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return false;
    if (id <= facts.lastActionId) {
      this.#deps.logger.info({ sessionId, actionId: id }, 'a repeated action id was not applied again');
      return true;
    }
    facts.lastActionId = id;
    this.#markDirty(sessionId);
    return false;
  }

  /** A message to a side of a homed session went out: its state may have changed. */
  #stateChanged(sessionId: string, text: string): void {
    this.#markDirty(sessionId);
    // The resume token's digest must be shared before the agent can need it on another node.
    if (text.startsWith('{"type":"joined"')) this.#flushDirty();
  }

  #markDirty(sessionId: string): void {
    if (this.#homed.has(sessionId)) this.#dirty.add(sessionId);
  }

  #flushDirty(): void {
    for (const id of this.#dirty) {
      this.#dirty.delete(id);
      void this.#saveState(id).catch(() => this.#dirty.add(id));
    }
  }

  async #saveState(id: string): Promise<void> {
    const state = await this.#deps.sessionState(id);
    const facts = this.#homeFacts.get(id);
    if (state && facts) await this.#deps.homes.saveState({ ...state, ...facts });
  }

  // ---- liveness ----

  async #heartbeat(): Promise<void> {
    for (const conn of this.#edges.values()) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      if (conn.ws.readyState === conn.ws.OPEN) conn.ws.ping();
    }
    for (const id of [...this.#homed]) {
      if (this.#deps.sessionIsLive(id)) continue;
      this.#homed.delete(id);
      this.#homeFacts.delete(id);
      this.#dirty.delete(id);
      if (!this.#edgeChannels.has(id)) void this.#deps.bus.stop(id);
      void this.#deps.homes.ended(id).catch(() => {});
    }
  }

  /** Relayed sockets whose home died are closed with 1012, so their clients reconnect. */
  async #watchHomes(): Promise<void> {
    const homes = new Set<string>();
    for (const conn of this.#edges.values()) if (conn.binding?.where === 'remote') homes.add(conn.binding.home);
    for (const home of homes) {
      if (await this.#deps.liveness.isAlive(home)) continue;
      for (const conn of this.#edges.values()) {
        if (conn.binding?.where !== 'remote' || conn.binding.home !== home) continue;
        this.#deps.logger.warn({ sessionId: conn.binding.sessionId, home, side: conn.kind }, 'the session\'s home node is gone; asking the client to reconnect');
        conn.ws.close(RECONNECT_CLOSE_CODE, 'NODE_GONE');
      }
    }
  }

  /**
   * Drain (SIGTERM): every homed session's state is shared, this node is then known gone
   * (`forgetNode`), and every client socket on it is closed with 1012 so it reconnects to another
   * node, which takes its session over. Relayed sockets of sessions homed here are closed by their
   * nodes as soon as they see this node gone.
   */
  async drain(forgetNode: () => Promise<void>): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    for (const id of this.#homed) this.#dirty.add(id);
    await Promise.allSettled([...this.#dirty].map((id) => this.#saveState(id)));
    this.#dirty.clear();
    await forgetNode();
    for (const conn of this.#edges.values()) conn.ws.close(RECONNECT_CLOSE_CODE, 'SERVER_SHUTTING_DOWN');
  }
}
