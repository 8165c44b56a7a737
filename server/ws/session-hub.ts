// Sessions at run time: agents join by code, customers identify with hello, page frames flow
// customer → agent untouched, and either side (or expiry, rotation, shutdown) ends the session.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { ErrorCode } from '../../common/errors.js';
import {
  PageFrameKind,
  agentToServerSchema,
  customerToServerSchema,
  type AgentAuth,
  type AgentIdentity,
  type ServerToAgent,
  type ServerToCustomer,
  type SessionEndReason,
} from '../../common/protocol.js';
import { assertNever } from '../../common/assert-never.js';
import type { NetLimits } from '../limits.js';
import type { NetMetrics } from '../metrics/net-metrics.js';
import { tokenAgentStanding } from '../policy/agent-token-policy.js';
import type { Clock } from '../policy/clock.js';
import { matchesDigest } from '../policy/constant-time-equal.js';
import { WindowCounter } from '../policy/window-counter.js';
import { SessionRegistry } from '../sessions/session-registry.js';
import type { AgentAuthPolicy, AgentTokenState } from '../types.js';
import type { AgentConnection, CobrowseSession, CustomerConnection } from './connections.js';
import { parseTextFrame } from './parse-text-frame.js';
import { CloseCode, PeerSocket } from './peer-socket.js';

export interface HubDeps {
  readonly limits: NetLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: NetMetrics;
  readonly policy: AgentAuthPolicy;
}

export interface AgentAdmissionInfo {
  readonly agentAuth: AgentAuth;
  readonly identity: AgentIdentity | null;
  readonly tokenDigest: Buffer | null;
}

export class SessionHub {
  readonly sessions: SessionRegistry<AgentConnection, CustomerConnection>;
  readonly #agents = new Set<AgentConnection>();
  readonly #customers = new Set<CustomerConnection>();
  readonly #joinFailuresByConnection: WindowCounter;
  readonly #joinFailuresByAddress: WindowCounter;
  readonly #deps: HubDeps;
  readonly #timers: NodeJS.Timeout[] = [];
  #graceTimer: NodeJS.Timeout | null = null;
  #tokenState: AgentTokenState;

  constructor(deps: HubDeps, initialTokenState: AgentTokenState) {
    this.#deps = deps;
    this.#tokenState = initialTokenState;
    this.sessions = new SessionRegistry(deps.limits, deps.clock);
    this.#joinFailuresByConnection = new WindowCounter(deps.limits.joinFailureWindowMs, deps.clock);
    this.#joinFailuresByAddress = new WindowCounter(deps.limits.joinFailureWindowMs, deps.clock);
    const heartbeat = setInterval(() => this.#heartbeat(), deps.limits.heartbeatIntervalMs);
    const sweep = setInterval(() => this.sweepExpired(), deps.limits.sessionSweepIntervalMs);
    heartbeat.unref();
    sweep.unref();
    this.#timers.push(heartbeat, sweep);
  }

  sessionsChanged(): void {
    this.#deps.metrics.activeSessions(this.sessions.size);
  }

  // ---- agents ----

  addAgent(ws: WebSocket, address: string, admission: AgentAdmissionInfo): AgentConnection {
    const agent: AgentConnection = {
      kind: 'agent',
      id: randomUUID(),
      peer: new PeerSocket(ws, address, this.#deps.limits),
      ...admission,
      session: null,
    };
    this.#agents.add(agent);
    this.#deps.metrics.connectionOpened('agent');
    ws.on('error', (err) => this.#deps.logger.debug({ err: err.message, remote: address }, 'agent socket error'));
    ws.on('close', () => {
      this.#agents.delete(agent);
      this.#joinFailuresByConnection.delete(agent.id);
      this.#deps.metrics.connectionClosed('agent');
      if (agent.session) this.endSession(agent.session, 'agent-left');
    });
    ws.on('message', (data, isBinary) => this.#onAgentMessage(agent, data, isBinary));
    this.#sendAgent(agent, {
      type: 'welcome',
      agentAuth: agent.agentAuth,
      identity: agent.identity,
      heartbeatMs: this.#deps.limits.heartbeatIntervalMs,
    });
    if (agent.tokenDigest) this.#scheduleGraceCheck();
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
        this.#join(agent, message.code);
        return;
      case 'leave':
        if (!agent.session) agent.peer.sendError('SESSION_NOT_JOINED');
        else this.endSession(agent.session, 'agent-left');
        return;
      // Live co-browse messages (issue 5) are in the protocol; until this hub relays them they
      // are answered as not understood, without counting as bad frames.
      case 'resume':
      case 'pointer':
      case 'control-request':
      case 'control-release':
      case 'action':
      case 'probe':
        agent.peer.sendError('MESSAGE_INVALID');
        return;
      default:
        assertNever(message, 'agent message');
    }
  }

  #join(agent: AgentConnection, code: string): void {
    const { limits } = this.#deps;
    if (agent.session) {
      agent.peer.sendError('SESSION_AGENT_BUSY');
      return;
    }
    const address = agent.peer.address;
    if (
      this.#joinFailuresByConnection.count(agent.id) >= limits.joinFailuresPerConnection ||
      this.#joinFailuresByAddress.count(address) >= limits.joinFailuresPerAddress
    ) {
      agent.peer.sendError('SESSION_JOIN_RATE_LIMITED');
      return;
    }
    const outcome = this.sessions.join(code);
    if (!outcome.ok) {
      this.#joinFailuresByConnection.add(agent.id);
      this.#joinFailuresByAddress.add(address);
      this.#deps.logger.info({ code: outcome.code, remote: address }, 'agent join refused');
      agent.peer.sendError(outcome.code);
      return;
    }
    const session = outcome.session;
    session.agent = agent;
    agent.session = session;
    this.#deps.logger.info({ sessionId: session.id, remote: address, sub: agent.identity?.sub }, 'agent joined session');
    this.#sendAgent(agent, { type: 'joined', sessionId: session.id, customerOrigin: session.customerOrigin });
    if (session.customer) this.#sendCustomer(session.customer, { type: 'agent-joined', identity: agent.identity });
  }

  // ---- customers ----

  addCustomer(ws: WebSocket, address: string, origin: string): CustomerConnection {
    const customer: CustomerConnection = {
      kind: 'customer',
      peer: new PeerSocket(ws, address, this.#deps.limits),
      origin,
      session: null,
      helloTimer: null,
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
      if (customer.session) this.endSession(customer.session, 'customer-left');
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
    switch (message.type) {
      case 'hello':
        if (customer.session) customer.peer.badFrame();
        else this.#hello(customer, message.sessionId, message.secret);
        return;
      case 'end':
        if (!customer.session) this.#refuseCustomer(customer, 'CUSTOMER_HELLO_EXPECTED');
        else this.endSession(customer.session, 'customer-left');
        return;
      // Live co-browse messages (issue 5): see the agent side above.
      case 'page':
      case 'control':
      case 'action-refused':
      case 'probe-echo':
        customer.peer.sendError('MESSAGE_INVALID');
        return;
      default:
        assertNever(message, 'customer message');
    }
  }

  #hello(customer: CustomerConnection, sessionId: string, secret: string): void {
    const session = this.sessions.get(sessionId);
    // The secret is checked even when the id is unknown, so both answers take the same time.
    const secretOk = matchesDigest(secret, session?.secretDigest ?? Buffer.alloc(32));
    if (!session) return this.#refuseCustomer(customer, 'SESSION_NOT_FOUND');
    if (!secretOk) return this.#refuseCustomer(customer, 'SESSION_SECRET_INVALID');
    if (session.customer) return this.#refuseCustomer(customer, 'SESSION_CUSTOMER_CONNECTED');
    if (customer.helloTimer) clearTimeout(customer.helloTimer);
    customer.helloTimer = null;
    session.customer = customer;
    customer.session = session;
    this.#sendCustomer(customer, { type: 'ready', sessionId: session.id });
    if (session.agent) this.#sendCustomer(customer, { type: 'agent-joined', identity: session.agent.identity });
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
    const kind = frame[0];
    let kindName: 'snapshot' | 'incremental';
    if (kind === PageFrameKind.Snapshot) {
      kindName = 'snapshot';
    } else if (kind === PageFrameKind.Incremental) {
      kindName = 'incremental';
      if (frame.length > this.#deps.limits.incrementalFrameBytes) {
        customer.peer.close(CloseCode.TooBig, 'PAGE_FRAME_TOO_LARGE');
        return;
      }
    } else {
      customer.peer.badFrame();
      return;
    }
    // Before an agent joins there is nobody to show the page to; the snippet sends a fresh
    // snapshot when it hears agent-joined, so earlier frames are not kept.
    const agent = session.agent;
    if (!agent) return;
    if (agent.peer.send(frame, true)) this.#deps.metrics.relayed(kindName, frame.length);
  }

  // ---- ending ----

  /** Ends a session: both sides hear why; the customer socket closes, the agent may join again. */
  endSession(session: CobrowseSession, reason: SessionEndReason): void {
    if (this.sessions.get(session.id) !== session && !session.agent && !session.customer) return;
    this.sessions.remove(session);
    this.sessionsChanged();
    const { agent, customer } = session;
    session.agent = null;
    session.customer = null;
    const ended = { type: 'session-ended', sessionId: session.id, reason } as const;
    if (agent) {
      agent.session = null;
      this.#sendAgent(agent, ended);
    }
    if (customer) {
      customer.session = null;
      this.#sendCustomer(customer, ended);
      if (reason === 'server-shutdown') customer.peer.close(CloseCode.GoingAway, 'SERVER_SHUTTING_DOWN');
      else customer.peer.close(CloseCode.Normal, '');
    }
    this.#deps.logger.info({ sessionId: session.id, reason }, 'session ended');
  }

  sweepExpired(): void {
    for (const session of this.sessions.expired()) this.endSession(session, 'expired');
  }

  // ---- token rotation ----

  /** Re-checks every token agent against a new token state (or the end of a grace period). */
  tokenStateChanged(state: AgentTokenState): void {
    this.#tokenState = state;
    this.#recheckTokenAgents();
  }

  #recheckTokenAgents(): void {
    const now = this.#deps.clock();
    for (const agent of this.#agents) {
      if (!agent.tokenDigest || !agent.peer.open) continue;
      const standing = tokenAgentStanding(agent.tokenDigest, this.#tokenState, this.#deps.policy, now);
      if (standing.stays) continue;
      this.#deps.logger.warn({ code: 'AGENT_TOKEN_ROTATED', remote: agent.peer.address }, 'agent disconnected: its token is no longer valid');
      if (agent.session) this.endSession(agent.session, 'token-rotated');
      agent.peer.sendError('AGENT_TOKEN_ROTATED');
      agent.peer.close(CloseCode.TokenRotated, 'AGENT_TOKEN_ROTATED');
    }
    this.#scheduleGraceCheck();
  }

  /** Agents on the previous token must go when its grace ends, even if no change is reported. */
  #scheduleGraceCheck(): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = null;
    const previous = this.#tokenState.previous;
    if (!previous) return;
    const delay = Math.max(0, previous.validUntil - this.#deps.clock());
    this.#graceTimer = setTimeout(() => this.#recheckTokenAgents(), delay + 5);
    this.#graceTimer.unref();
  }

  // ---- liveness and shutdown ----

  #heartbeat(): void {
    for (const conn of [...this.#agents, ...this.#customers]) {
      const { peer } = conn;
      if (!peer.alive) {
        this.#deps.logger.info({ side: conn.kind, remote: peer.address }, 'peer missed a heartbeat; terminated');
        peer.ws.terminate();
        continue;
      }
      peer.alive = false;
      if (peer.ws.readyState === peer.ws.OPEN) peer.ws.ping();
    }
  }

  /** Ends every session (reason server-shutdown), closes every socket with 1001, waits for them. */
  async shutdown(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    for (const session of this.sessions.all()) this.endSession(session, 'server-shutdown');
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

  #sendAgent(agent: AgentConnection, message: ServerToAgent): void {
    agent.peer.sendJson(message);
  }

  #sendCustomer(customer: CustomerConnection, message: ServerToCustomer): void {
    customer.peer.sendJson(message);
  }
}
