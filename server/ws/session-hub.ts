// Routes sockets to live sessions: agents join by code or resume by token, customers identify
// with hello, page frames flow customer → agent untouched, and each in-session message goes to
// the session's LiveSession (server/sessions/live-session.ts), which owns that session's state and
// timers. Session state is kept through a SessionStore (memory today, shared in a cluster); the
// agent-token re-check on rotation is server/ws/token-rotation.ts.
// Over 400 lines: routing is one table of message types over the socket kinds; the per-session
// state and rules already live in LiveSession, so what remains here is that table.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { ErrorCode } from '../../common/errors.js';
import { pageFrameKindName, agentToServerSchema, customerToServerSchema, type AgentAuth, type AgentIdentity, type ServerToAgent, type ServerToCustomer, type SessionEndReason } from '../../common/protocol.js';
import { assertNever } from '../../common/assert-never.js';
import type { NetLimits } from '../limits.js';
import type { NetMetrics } from '../metrics/net-metrics.js';
import type { Clock } from '../policy/clock.js';
import { matchesDigest } from '../policy/secret-digest.js';
import { localCounters, WindowCounter, type CounterFactory, type WindowCount } from '../policy/window-counter.js';
import { LiveSession, resumeDigest, type RelayedFrame } from '../sessions/live-session.js';
import { pageUrl } from '../sessions/page-url.js';
import type { CreateOutcome } from '../sessions/session-registry.js';
import type { SessionRecord, SessionStore } from '../sessions/session-store.js';
import type { AuditLog } from '../store/audit-store.js';
import type { AgentAuthPolicy, AgentTokenSource } from '../types.js';
import type { AgentConnection, CustomerConnection } from './connections.js';
import { parseTextFrame } from './parse-text-frame.js';
import type { OidcVerifier } from '../policy/oidc-verifier.js';
import { IdentityExpiry } from './identity-expiry.js';
import { CloseCode, PeerSocket } from './peer-socket.js';
import { sweepInSlices } from './sliced-sweep.js';
import { watchTokenRotation } from './token-rotation.js';

/** The one key of the all-agents join-failure counter. */
const ALL_AGENTS = 'all';

export type { RelayedFrame } from '../sessions/live-session.js';

export interface HubDeps {
  readonly limits: NetLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: NetMetrics;
  readonly policy: AgentAuthPolicy;
  readonly audit: AuditLog;
  /** Told to the agent on joined: where its mirror may load the page's resources from, besides the customer origin. */
  readonly assetOrigins?: readonly string[];
  /** The live view of the agent token; the hub re-checks token agents on each change. */
  readonly agentToken: AgentTokenSource;
  /** Where session state is kept. */
  readonly store: SessionStore;
  /** Verifies renewed access tokens sent on open agent sockets (`identity`); null without per-agent identity. */
  readonly oidc?: OidcVerifier | null;
  /** Test tap: sees every frame sent to either side of a session. Never set in the product. */
  readonly onRelay?: (frame: RelayedFrame) => void;
  /** Counters of the per-address limits (shared by a cluster's nodes); default this process's. */
  readonly counters?: CounterFactory;
  /** Why no agent may join a session by code now (its database is gone), or null; resumes go on. */
  readonly refusesJoins?: () => ErrorCode | null;
}

export interface AgentAdmissionInfo {
  readonly agentAuth: AgentAuth;
  readonly identity: AgentIdentity | null;
  /** Epoch ms when the admitting access token expires (ws/identity-expiry.ts); null without identity. */
  readonly identityExpiresAt?: number | null;
  readonly tokenDigest: Buffer | null;
}

export class SessionHub {
  /** The sessions this node holds sockets for, by id. */
  readonly #live = new Map<string, LiveSession>();
  readonly #agents = new Set<AgentConnection>();
  readonly #customers = new Set<CustomerConnection>();
  readonly #joinFailuresByConnection: WindowCounter;
  readonly #joinFailuresByAddress: WindowCount;
  /** Wrong codes from everyone together: a botnet spread over many addresses is bounded too. */
  readonly #joinFailuresTotal: WindowCount;
  readonly #agentMessages: WindowCounter;
  /** Customer control messages (control, action-refused, probe-echo) per session per second. */
  readonly #customerMessages: WindowCounter;
  readonly #pageVisits: WindowCounter;
  /** Agents whose join or resume waits on the store: their next messages wait behind it. */
  readonly #entering = new WeakMap<AgentConnection, Promise<void>>();
  readonly #deps: HubDeps;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #stopTokenWatch: () => void;
  #stopHeartbeatSweep: () => void = () => {};

  constructor(deps: HubDeps) {
    this.#deps = deps;
    this.#joinFailuresByConnection = new WindowCounter(deps.limits.joinFailureWindowMs, deps.clock);
    // Per address across the cluster: code guessing spread over the nodes meets one limit.
    const counters = deps.counters ?? localCounters(deps.clock);
    this.#joinFailuresByAddress = counters('join-failures', deps.limits.joinFailureWindowMs);
    this.#joinFailuresTotal = counters('join-failures-total', deps.limits.joinFailureWindowMs);
    this.#agentMessages = new WindowCounter(1000, deps.clock);
    this.#customerMessages = new WindowCounter(1000, deps.clock);
    this.#pageVisits = new WindowCounter(60_000, deps.clock);
    this.#stopTokenWatch = watchTokenRotation({
      source: deps.agentToken,
      policy: deps.policy,
      clock: deps.clock,
      logger: deps.logger,
      agents: () => this.#agents,
    });
    const heartbeat = setInterval(() => this.#heartbeat(), deps.limits.heartbeatIntervalMs);
    const sweep = setInterval(() => void this.sweepExpired(), deps.limits.sessionSweepIntervalMs);
    heartbeat.unref();
    sweep.unref();
    this.#timers.push(heartbeat, sweep);
  }

  /** How many sessions this node holds. */
  get sessionCount(): number {
    return this.#live.size;
  }

  /** This node's session by id while a customer may still join it (not ended, not an expired unjoined one). */
  liveSession(id: string): LiveSession | undefined {
    const session = this.#live.get(id);
    return session?.acceptsCustomer() ? session : undefined;
  }

  /** A customer page asks for a session (POST /cobrowse/rest/sessions). */
  async createSession(customerOrigin: string | null): Promise<CreateOutcome> {
    const created = await this.#deps.store.create(customerOrigin);
    if (!created.ok) return created;
    const session = this.#adopt(created.session);
    this.#deps.metrics.activeSessions(this.#live.size);
    session.audit({ kind: 'session-start', customerOrigin: session.customerOrigin });
    return created;
  }

  /** This node's LiveSession for a stored session, made on first use. */
  #adopt(record: SessionRecord): LiveSession {
    const known = this.#live.get(record.id);
    if (known) return known;
    const { limits, clock, logger, audit, store, onRelay } = this.#deps;
    const session = new LiveSession(record, {
      limits,
      clock,
      logger,
      audit,
      store,
      assetOrigins: this.#deps.assetOrigins ?? [],
      ...(onRelay ? { onRelay } : {}),
      onEnded: (ended, reason) => this.#forget(ended, reason),
    });
    this.#live.set(record.id, session);
    return session;
  }

  #forget(session: LiveSession, reason: SessionEndReason): void {
    this.#live.delete(session.id);
    this.#pageVisits.delete(session.id);
    this.#deps.metrics.activeSessions(this.#live.size);
    // A customer who stopped before any agent joined cancelled the code: an agent who tries it
    // later is told so, not that it expired.
    this.#deps.store.remove(session.id, reason === 'customer-left' ? 'cancelled' : 'expired').catch((err: unknown) => this.#deps.logger.error({ err, sessionId: session.id }, 'cannot remove the session from its store'));
  }

  /**
   * Cluster failover (server/cluster/): runs a session whose home node died, from the state it
   * shared. Both sides are away until they resume here, each within a fresh grace.
   */
  async adoptSession(record: SessionRecord, customerSeen: boolean): Promise<void> {
    if (this.#live.has(record.id)) return;
    await this.#deps.store.adopt?.(record);
    const session = this.#adopt(record);
    session.awaitSides(customerSeen);
    this.#deps.metrics.activeSessions(this.#live.size);
    this.#deps.logger.info({ sessionId: session.id }, 'session adopted after its node was lost');
  }

  // ---- agents ----

  addAgent(ws: WebSocket, address: string, admission: AgentAdmissionInfo): AgentConnection {
    const agent: AgentConnection = {
      kind: 'agent',
      id: randomUUID(),
      peer: new PeerSocket(ws, address, this.#deps.limits),
      ...admission,
      identityExpiry: null,
      session: null,
    };
    if (admission.identity && admission.identityExpiresAt) {
      agent.identityExpiry = new IdentityExpiry({
        peer: agent.peer,
        clock: this.#deps.clock,
        toleranceMs: this.#deps.limits.oidcClockToleranceSec * 1000,
        sub: admission.identity.sub,
        expiresAt: admission.identityExpiresAt,
      });
    }
    this.#agents.add(agent);
    this.#deps.metrics.connectionOpened('agent');
    ws.on('error', (err) => this.#deps.logger.debug({ err: err.message, remote: address }, 'agent socket error'));
    ws.on('close', () => {
      agent.identityExpiry?.stop();
      this.#agents.delete(agent);
      this.#joinFailuresByConnection.delete(agent.id);
      this.#agentMessages.delete(agent.id);
      this.#deps.metrics.connectionClosed('agent');
      const session = agent.session;
      agent.session = null;
      session?.agentGone(agent);
    });
    ws.on('message', (data, isBinary) => {
      const entering = this.#entering.get(agent);
      if (entering) this.#queue(agent, entering.then(() => this.#onAgentMessage(agent, data, isBinary)));
      else this.#onAgentMessage(agent, data, isBinary);
    });
    agent.peer.sendJson({
      type: 'welcome',
      agentAuth: agent.agentAuth,
      identity: agent.identity,
      heartbeatMs: this.#deps.limits.heartbeatIntervalMs,
    } satisfies ServerToAgent);
    return agent;
  }

  #onAgentMessage(agent: AgentConnection, data: RawData, isBinary: boolean): void {
    if (isBinary || !Buffer.isBuffer(data)) {
      agent.peer.badFrame();
      return;
    }
    const message = parseTextFrame(data, agentToServerSchema);
    if (!message) {
      agent.peer.badFrame();
      return;
    }
    switch (message.type) {
      case 'join':
        this.#queue(agent, this.#join(agent, message.code));
        return;
      case 'resume':
        this.#queue(agent, this.#resume(agent, message.resumeToken));
        return;
      case 'leave':
        if (!agent.session) agent.peer.sendError('SESSION_NOT_JOINED');
        else agent.session.end('agent-left');
        return;
      case 'pointer':
        this.#toLiveCustomer(agent, { type: 'pointer', nodeId: message.nodeId });
        return;
      case 'probe':
        this.#toLiveCustomer(agent, { type: 'probe', id: message.id });
        return;
      case 'cursor':
        this.#toLiveCustomer(agent, { type: 'cursor', at: message.at });
        return;
      case 'annotation': {
        const session = this.#liveSession(agent);
        if (!session) return;
        // Audited as an annotation (how many points), never as page content.
        session.audit({ kind: 'annotation', points: message.points.length });
        if (session.customer) session.toCustomer({ type: 'annotation', points: message.points });
        return;
      }
      case 'snapshot-request':
        this.#toLiveCustomer(agent, { type: 'snapshot-request' });
        return;
      case 'control-request':
      case 'control-release': {
        const session = this.#liveSession(agent);
        session?.control({ by: 'agent', kind: message.type === 'control-request' ? 'request' : 'release' });
        return;
      }
      case 'action': {
        const session = this.#liveSession(agent);
        session?.action(message.id, message.action);
        return;
      }
      case 'identity':
        // Only a connection admitted with an identity has one to renew.
        if (!agent.identityExpiry || !this.#deps.oidc) agent.peer.badFrame();
        // Each one costs a signature check: it counts with the agent's in-session messages.
        else if (this.#agentMessages.add(agent.id) > this.#deps.limits.agentControlMessagesPerSecond) agent.peer.sendError('MESSAGE_RATE_LIMITED');
        else this.#queue(agent, agent.identityExpiry.renew(message.accessToken, this.#deps.oidc, this.#deps.logger));
        return;
      default:
        assertNever(message, 'agent message');
    }
  }

  /**
   * Holds the agent's later messages until `work` (a join or resume waiting on the store, or a
   * message queued behind one) is done, so they are handled in the order they came.
   */
  #queue(agent: AgentConnection, work: Promise<void>): void {
    const done = work.catch((err: unknown) => {
      this.#deps.logger.error({ err, remote: agent.peer.address }, 'the session store failed');
      agent.peer.sendError('SERVER_INTERNAL_ERROR');
    });
    this.#entering.set(agent, done);
    void done.then(() => {
      if (this.#entering.get(agent) === done) this.#entering.delete(agent);
    });
  }

  /** An in-session message relayed to the customer as is, when the customer is connected now. */
  #toLiveCustomer(agent: AgentConnection, message: ServerToCustomer): void {
    const session = this.#liveSession(agent);
    if (session?.customer) session.toCustomer(message);
  }

  /** The agent's session for an in-session message, or null after answering why there is none. */
  #liveSession(agent: AgentConnection): LiveSession | null {
    if (!agent.session) {
      agent.peer.sendError('SESSION_NOT_JOINED');
      return null;
    }
    if (this.#agentMessages.add(agent.id) > this.#deps.limits.agentControlMessagesPerSecond) {
      agent.peer.sendError('MESSAGE_RATE_LIMITED');
      return null;
    }
    return agent.session;
  }

  #joinLimited(agent: AgentConnection): boolean {
    const { limits } = this.#deps;
    return (
      this.#joinFailuresByConnection.count(agent.id) >= limits.joinFailuresPerConnection ||
      this.#joinFailuresByAddress.count(agent.peer.address) >= limits.joinFailuresPerAddress ||
      this.#joinFailuresTotal.count(ALL_AGENTS) >= limits.joinFailuresTotalPerWindow
    );
  }

  #joinFailed(agent: AgentConnection, code: ErrorCode, what: string): void {
    this.#joinFailuresByConnection.add(agent.id);
    this.#joinFailuresByAddress.add(agent.peer.address);
    this.#joinFailuresTotal.add(ALL_AGENTS);
    this.#deps.logger.info({ code, remote: agent.peer.address }, what);
    agent.peer.sendError(code);
  }

  /**
   * Joining needs a free agent that is not rate limited; answers why not. A resume is only refused
   * by the limits when its token is not valid (see #resume).
   */
  #mayEnterSession(agent: AgentConnection, checkLimits = true): boolean {
    if (agent.session) {
      agent.peer.sendError('SESSION_AGENT_BUSY');
      return false;
    }
    if (checkLimits && this.#joinLimited(agent)) {
      agent.peer.sendError('SESSION_JOIN_RATE_LIMITED');
      return false;
    }
    return true;
  }

  async #join(agent: AgentConnection, code: string): Promise<void> {
    const refusal = this.#deps.refusesJoins?.() ?? null;
    if (refusal) {
      agent.peer.sendError(refusal);
      return;
    }
    if (!this.#mayEnterSession(agent)) return;
    const outcome = await this.#deps.store.findByCode(code);
    if (!outcome.ok) {
      this.#joinFailed(agent, outcome.code, 'agent join refused');
      return;
    }
    const session = this.#adopt(outcome.session);
    session.agentJoined(agent);
    // The socket may have closed while the store answered: then the session waits for a resume.
    if (!agent.peer.open) session.agentGone(agent);
  }

  /** A new authenticated socket takes the session back with the one-use token of its last `joined`. */
  async #resume(agent: AgentConnection, resumeToken: string): Promise<void> {
    // A valid resume token (256 random bits, one use) is never refused by the guessing limits: the
    // agent behind a NAT shared with a code guesser must get its live session back within the grace.
    if (!this.#mayEnterSession(agent, false)) return;
    const record = await this.#deps.store.findByResumeDigest(resumeDigest(resumeToken));
    const session = record && this.#live.get(record.id);
    if (!session || session.ended) {
      if (this.#joinLimited(agent)) {
        agent.peer.sendError('SESSION_JOIN_RATE_LIMITED');
        return;
      }
      this.#joinFailed(agent, 'SESSION_RESUME_INVALID', 'agent resume refused');
      return;
    }
    // Re-authenticated on resume: the handshake checked token and sign-in again, and a session
    // joined with a per-agent identity only goes back to that same identity.
    if (!session.resumableBy(agent)) {
      this.#joinFailed(agent, 'SESSION_RESUME_IDENTITY_MISMATCH', 'agent resume refused: another identity');
      return;
    }
    session.agentResumed(agent);
    if (!agent.peer.open) session.agentGone(agent);
  }

  // ---- customers ----

  addCustomer(ws: WebSocket, address: string, origin: string, helloAccepted: () => void = () => {}): CustomerConnection {
    const customer: CustomerConnection = {
      kind: 'customer',
      peer: new PeerSocket(ws, address, this.#deps.limits),
      origin,
      session: null,
      helloTimer: null,
      helloAccepted,
    };
    customer.helloTimer = setTimeout(() => {
      customer.peer.sendError('CUSTOMER_HELLO_TIMEOUT');
      customer.peer.close(CloseCode.PolicyViolation, 'CUSTOMER_HELLO_TIMEOUT');
    }, this.#deps.limits.customerHelloTimeoutMs);
    this.#customers.add(customer);
    this.#deps.metrics.connectionOpened('customer');
    ws.on('error', (err) => this.#deps.logger.debug({ err: err.message, remote: address }, 'customer socket error'));
    ws.on('close', () => {
      if (customer.helloTimer) clearTimeout(customer.helloTimer);
      this.#customers.delete(customer);
      this.#deps.metrics.connectionClosed('customer');
      const session = customer.session;
      customer.session = null;
      session?.customerGone(customer);
    });
    ws.on('message', (data, isBinary) => this.#onCustomerMessage(customer, data, isBinary));
    return customer;
  }

  #onCustomerMessage(customer: CustomerConnection, data: RawData, isBinary: boolean): void {
    if (!Buffer.isBuffer(data)) {
      customer.peer.badFrame();
      return;
    }
    if (isBinary) {
      this.#relay(customer, data);
      return;
    }
    if (data.length > this.#deps.limits.customerTextFrameBytes) {
      customer.peer.close(CloseCode.TooBig, 'PAGE_FRAME_TOO_LARGE');
      return;
    }
    const message = parseTextFrame(data, customerToServerSchema);
    if (!message) {
      customer.peer.badFrame();
      return;
    }
    if (message.type === 'hello') {
      if (customer.session) customer.peer.badFrame();
      else this.#hello(customer, message.sessionId, message.secret);
      return;
    }
    const session = customer.session;
    if (!session) {
      this.#refuseCustomer(customer, 'CUSTOMER_HELLO_EXPECTED');
      return;
    }
    // Like the agent's: a page (or a script posing as one) cannot flood the agent or the audit trail.
    if (message.type !== 'end' && message.type !== 'page' && this.#customerMessages.add(session.id) > this.#deps.limits.customerControlMessagesPerSecond) {
      customer.peer.sendError('MESSAGE_RATE_LIMITED');
      return;
    }
    switch (message.type) {
      case 'end':
        session.end('customer-left');
        return;
      case 'page': {
        const url = pageUrl(message.url);
        if (url === null) {
          customer.peer.badFrame();
          return;
        }
        if (this.#pageVisits.add(session.id) > this.#deps.limits.pageVisitsPerMinute) {
          customer.peer.sendError('MESSAGE_RATE_LIMITED');
          return;
        }
        session.pageChanged(url, message.title);
        return;
      }
      case 'control': {
        const refused = session.control({ by: 'customer', kind: message.state });
        if (refused) customer.peer.sendError(refused);
        return;
      }
      case 'action-refused':
        session.audit({ kind: 'action-refused', actionId: message.id, code: message.code, by: 'customer' });
        if (session.agent) session.toAgent({ type: 'action-refused', id: message.id, code: message.code });
        return;
      case 'probe-echo':
        if (session.agent) session.toAgent({ type: 'probe-echo', id: message.id, at: message.at });
        return;
      default:
        assertNever(message, 'customer message');
    }
  }

  #hello(customer: CustomerConnection, sessionId: string, secret: string): void {
    const session = this.#live.get(sessionId);
    const live = session?.acceptsCustomer() === true;
    // The secret is checked even when the id is unknown, so both answers take the same time.
    const secretOk = matchesDigest(secret, live ? session.secretDigest : Buffer.alloc(32));
    if (!session || !live) return this.#refuseCustomer(customer, 'SESSION_NOT_FOUND');
    if (!secretOk) return this.#refuseCustomer(customer, 'SESSION_SECRET_INVALID');
    if (customer.helloTimer) clearTimeout(customer.helloTimer);
    customer.helloTimer = null;
    customer.helloAccepted();
    session.customerHello(customer);
  }

  #refuseCustomer(customer: CustomerConnection, code: ErrorCode): void {
    customer.peer.sendError(code);
    customer.peer.close(CloseCode.PolicyViolation, code);
  }

  /** The hot path: only byte 0 is read; the same Buffer goes out to the agent. */
  #relay(customer: CustomerConnection, frame: Buffer): void {
    const session = customer.session;
    if (!session) {
      this.#refuseCustomer(customer, 'CUSTOMER_HELLO_EXPECTED');
      return;
    }
    // Bit 7 (compressed in the page) is the desktop's business; the limits apply to these bytes.
    const kindName = pageFrameKindName(frame[0]);
    if (kindName === null) {
      customer.peer.badFrame();
      return;
    }
    if (kindName === 'incremental' && frame.length > this.#deps.limits.incrementalFrameBytes) {
      customer.peer.close(CloseCode.TooBig, 'PAGE_FRAME_TOO_LARGE');
      return;
    }
    // Before an agent joins there is nobody to show the page to; the snippet sends a fresh
    // snapshot when it hears agent-joined, so earlier frames are not kept.
    const agent = session.agent;
    if (!agent) return;
    if (agent.peer.send(frame, true)) {
      this.#deps.metrics.relayed(kindName, frame.length);
      this.#deps.onRelay?.({ sessionId: session.id, to: 'agent', binary: true, data: frame });
    }
  }

  // ---- expiry, liveness and shutdown ----

  /** Ends the unjoined sessions past their TTL. */
  async sweepExpired(): Promise<void> {
    let expired: SessionRecord[];
    try {
      expired = await this.#deps.store.expire();
    } catch (err) {
      this.#deps.logger.error({ err }, 'cannot sweep expired sessions');
      return;
    }
    for (const record of expired) {
      const session = this.#live.get(record.id);
      if (session) session.end('expired');
      else await this.#deps.store.remove(record.id);
    }
  }

  /** Pings every socket, a slice per turn of the loop (heartbeatSliceSize: why, in limits.ts). */
  #heartbeat(): void {
    this.#stopHeartbeatSweep();
    const conns = [...this.#agents, ...this.#customers];
    this.#stopHeartbeatSweep = sweepInSlices(conns, this.#deps.limits.heartbeatSliceSize, (conn) => {
      const { peer } = conn;
      if (peer.ws.readyState === peer.ws.CLOSED) return;
      if (!peer.alive) {
        this.#deps.logger.info({ side: conn.kind, remote: peer.address }, 'peer missed a heartbeat; terminated');
        peer.ws.terminate();
        return;
      }
      peer.alive = false;
      if (peer.ws.readyState === peer.ws.OPEN) peer.ws.ping();
    });
  }

  /** Ends every session (reason server-shutdown), closes every socket with 1001, waits for them. */
  /**
   * Closes every socket with 1001 and waits for them. Sessions end (server-shutdown) unless
   * `endSessions` is false: a drained cluster node leaves them for another node to take over.
   */
  async shutdown(endSessions = true): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#stopHeartbeatSweep();
    this.#stopTokenWatch();
    if (endSessions) for (const session of [...this.#live.values()]) session.end('server-shutdown');
    else for (const session of [...this.#live.values()]) session.detach();
    const conns = [...this.#agents, ...this.#customers];
    await Promise.all(
      conns.map(
        (conn) =>
          new Promise<void>((resolve) => {
            if (conn.peer.ws.readyState === conn.peer.ws.CLOSED) return resolve();
            conn.peer.ws.once('close', () => resolve());
            if (conn.kind === 'customer' && conn.helloTimer) clearTimeout(conn.helloTimer);
            conn.peer.close(CloseCode.GoingAway, 'SERVER_SHUTTING_DOWN');
          }),
      ),
    );
  }
}
