// Sessions at run time: agents join by code, customers identify with hello, page frames flow
// customer → agent untouched, control messages are checked against the session's consent state,
// either side may drop and resume within the grace, and either side (or expiry, rotation,
// shutdown, a side that never came back) ends the session. Every step worth auditing is audited.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { ErrorCode } from '../../common/errors.js';
import {
  PageFrameKind,
  pageFrameKindOf,
  agentToServerSchema,
  customerToServerSchema,
  type AgentAction,
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
import { allowsActions, nextControlState, type ControlEvent } from '../sessions/control-state.js';
import { pageUrl } from '../sessions/page-url.js';
import { SessionRegistry } from '../sessions/session-registry.js';
import type { AuditEvent, AuditLog } from '../store/audit-store.js';
import type { AgentAuthPolicy, AgentTokenState } from '../types.js';
import type { AgentConnection, CobrowseSession, CustomerConnection } from './connections.js';
import { parseTextFrame } from './parse-text-frame.js';
import { agentDisplayName } from '../sessions/agent-display-name.js';
import { CloseCode, PeerSocket } from './peer-socket.js';

/** One frame the server sent inside a session, as the test tap sees it. */
export interface RelayedFrame {
  readonly sessionId: string;
  readonly to: 'agent' | 'customer';
  readonly binary: boolean;
  /** The exact bytes (binary page frames) or text (JSON control messages) sent. */
  readonly data: Buffer | string;
}

export interface HubDeps {
  readonly limits: NetLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: NetMetrics;
  readonly policy: AgentAuthPolicy;
  readonly audit: AuditLog;
  /** Told to the agent on joined: where its mirror may load the page's resources from, besides the customer origin. */
  readonly assetOrigins?: readonly string[];
  /** Test tap: sees every frame sent to either side of a session. Never set in the product. */
  readonly onRelay?: (frame: RelayedFrame) => void;
}

export interface AgentAdmissionInfo {
  readonly agentAuth: AgentAuth;
  readonly identity: AgentIdentity | null;
  readonly tokenDigest: Buffer | null;
}

interface Away {
  readonly timer: NodeJS.Timeout;
  readonly until: number;
}

function hexDigest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export class SessionHub {
  readonly sessions: SessionRegistry<AgentConnection, CustomerConnection>;
  readonly #agents = new Set<AgentConnection>();
  readonly #customers = new Set<CustomerConnection>();
  readonly #joinFailuresByConnection: WindowCounter;
  readonly #joinFailuresByAddress: WindowCounter;
  readonly #agentMessages: WindowCounter;
  readonly #pageVisits: WindowCounter;
  /** Hex SHA-256 of a live resume token → its session. A map lookup by digest leaks nothing usable. */
  readonly #resumeTokens = new Map<string, CobrowseSession>();
  readonly #agentAway = new Map<CobrowseSession, Away>();
  readonly #customerAway = new Map<CobrowseSession, Away>();
  readonly #customerSeen = new WeakSet<CobrowseSession>();
  readonly #ended = new WeakSet<CobrowseSession>();
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
    this.#agentMessages = new WindowCounter(1000, deps.clock);
    this.#pageVisits = new WindowCounter(60_000, deps.clock);
    const heartbeat = setInterval(() => this.#heartbeat(), deps.limits.heartbeatIntervalMs);
    const sweep = setInterval(() => this.sweepExpired(), deps.limits.sessionSweepIntervalMs);
    heartbeat.unref();
    sweep.unref();
    this.#timers.push(heartbeat, sweep);
  }

  sessionsChanged(): void {
    this.#deps.metrics.activeSessions(this.sessions.size);
  }

  /** A customer page created a session (POST /cobrowse/rest/sessions). */
  sessionCreated(sessionId: string): void {
    this.sessionsChanged();
    const session = this.sessions.get(sessionId);
    if (session) this.#audit(session, { kind: 'session-start', customerOrigin: session.customerOrigin });
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
      this.#agentMessages.delete(agent.id);
      this.#deps.metrics.connectionClosed('agent');
      const session = agent.session;
      agent.session = null;
      if (session) this.#agentGone(session, agent);
    });
    ws.on('message', (data, isBinary) => this.#onAgentMessage(agent, data, isBinary));
    agent.peer.sendJson({
      type: 'welcome',
      agentAuth: agent.agentAuth,
      identity: agent.identity,
      heartbeatMs: this.#deps.limits.heartbeatIntervalMs,
    } satisfies ServerToAgent);
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
      case 'resume':
        this.#resume(agent, message.resumeToken);
        return;
      case 'leave':
        if (!agent.session) agent.peer.sendError('SESSION_NOT_JOINED');
        else this.endSession(agent.session, 'agent-left');
        return;
      case 'pointer': {
        const session = this.#liveSession(agent);
        if (session?.customer) this.#toCustomer(session, { type: 'pointer', nodeId: message.nodeId });
        return;
      }
      case 'probe': {
        const session = this.#liveSession(agent);
        if (session?.customer) this.#toCustomer(session, { type: 'probe', id: message.id });
        return;
      }
      case 'control-request':
      case 'control-release': {
        const session = this.#liveSession(agent);
        if (session) this.#control(session, { by: 'agent', kind: message.type === 'control-request' ? 'request' : 'release' });
        return;
      }
      case 'action': {
        const session = this.#liveSession(agent);
        if (session) this.#action(session, message.id, message.action);
        return;
      }
      default:
        assertNever(message, 'agent message');
    }
  }

  /** The agent's session for an in-session message, or null after answering why there is none. */
  #liveSession(agent: AgentConnection): CobrowseSession | null {
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
      this.#joinFailuresByAddress.count(agent.peer.address) >= limits.joinFailuresPerAddress
    );
  }

  #joinFailed(agent: AgentConnection, code: ErrorCode, what: string): void {
    this.#joinFailuresByConnection.add(agent.id);
    this.#joinFailuresByAddress.add(agent.peer.address);
    this.#deps.logger.info({ code, remote: agent.peer.address }, what);
    agent.peer.sendError(code);
  }

  /** Joining and resuming both need a free agent that is not rate limited; answers why not. */
  #mayEnterSession(agent: AgentConnection): boolean {
    if (agent.session) {
      agent.peer.sendError('SESSION_AGENT_BUSY');
      return false;
    }
    if (this.#joinLimited(agent)) {
      agent.peer.sendError('SESSION_JOIN_RATE_LIMITED');
      return false;
    }
    return true;
  }

  #join(agent: AgentConnection, code: string): void {
    if (!this.#mayEnterSession(agent)) return;
    const outcome = this.sessions.join(code);
    if (!outcome.ok) {
      this.#joinFailed(agent, outcome.code, 'agent join refused');
      return;
    }
    const session = outcome.session;
    session.agent = agent;
    session.agentSub = agent.identity?.sub ?? null;
    agent.session = session;
    this.#deps.logger.info({ sessionId: session.id, remote: agent.peer.address, sub: agent.identity?.sub }, 'agent joined session');
    this.#audit(session, { kind: 'agent-join', sub: agent.identity?.sub ?? null, email: agent.identity?.email ?? null, agentAuth: agent.agentAuth });
    this.#sendJoined(session, false);
  }

  /** A new authenticated socket takes the session back with the one-use token of its last `joined`. */
  #resume(agent: AgentConnection, resumeToken: string): void {
    if (!this.#mayEnterSession(agent)) return;
    const digest = hexDigest(resumeToken);
    const session = this.#resumeTokens.get(digest);
    if (!session || this.#ended.has(session)) {
      this.#joinFailed(agent, 'SESSION_RESUME_INVALID', 'agent resume refused');
      return;
    }
    // Re-authenticated on resume: the handshake checked token and sign-in again, and a session
    // joined with a per-agent identity only goes back to that same identity.
    if (session.agentSub !== (agent.identity?.sub ?? null)) {
      this.#joinFailed(agent, 'SESSION_RESUME_IDENTITY_MISMATCH', 'agent resume refused: another identity');
      return;
    }
    this.#resumeTokens.delete(digest);
    session.resumeDigest = null;
    const previous = session.agent;
    if (previous && previous !== agent) {
      // The old socket may be half-open (its network vanished without a close): the new one wins.
      previous.session = null;
      previous.peer.sendError('SESSION_RESUMED_ELSEWHERE');
      previous.peer.close(CloseCode.PolicyViolation, 'SESSION_RESUMED_ELSEWHERE');
    }
    this.#clearAway(this.#agentAway, session);
    session.agent = agent;
    agent.session = session;
    this.#deps.logger.info({ sessionId: session.id, remote: agent.peer.address, sub: agent.identity?.sub }, 'agent resumed session');
    this.#audit(session, { kind: 'agent-resume', sub: agent.identity?.sub ?? null });
    this.#sendJoined(session, true);
  }

  /** `joined` with a fresh resume token, then what a newly arrived agent must know. */
  #sendJoined(session: CobrowseSession, resumed: boolean): void {
    const agent = session.agent;
    if (!agent) return;
    const resumeToken = randomBytes(32).toString('base64url');
    if (session.resumeDigest) this.#resumeTokens.delete(session.resumeDigest);
    session.resumeDigest = hexDigest(resumeToken);
    this.#resumeTokens.set(session.resumeDigest, session);
    this.#toAgent(session, {
      type: 'joined',
      sessionId: session.id,
      customerOrigin: session.customerOrigin,
      assetOrigins: [...(this.#deps.assetOrigins ?? [])],
      resumeToken,
      resumed,
      control: session.control,
    });
    if (session.page) this.#toAgent(session, { type: 'page', url: session.page.url, title: session.page.title });
    const customerAway = this.#customerAway.get(session);
    if (customerAway) this.#toAgent(session, { type: 'customer-away', graceSeconds: this.#secondsLeft(customerAway) });
    // The customer's page answers agent-joined with a fresh full snapshot: never a cursor over nothing.
    if (session.customer) this.#toCustomer(session, { type: 'agent-joined', displayName: agentDisplayName(agent.identity) });
  }

  #agentGone(session: CobrowseSession, agent: AgentConnection): void {
    if (session.agent !== agent || this.#ended.has(session)) return;
    session.agent = null;
    this.#deps.logger.info({ sessionId: session.id, remote: agent.peer.address }, 'agent link dropped; waiting for a resume');
    this.#audit(session, { kind: 'agent-away' });
    const away = this.#startAway(this.#agentAway, session, 'agent-unreachable');
    if (session.customer) this.#toCustomer(session, { type: 'agent-away', graceSeconds: this.#secondsLeft(away) });
  }

  // ---- control ----

  #control(session: CobrowseSession, event: ControlEvent): ErrorCode | null {
    const outcome = nextControlState(session.control, event);
    if (!outcome.ok) return outcome.code;
    if (outcome.next === null) return null;
    session.control = outcome.next;
    this.#audit(session, { kind: 'mode', state: outcome.next, by: event.by });
    if (session.agent) this.#toAgent(session, { type: 'control', state: outcome.next });
    if (session.customer) this.#toCustomer(session, { type: 'control', state: outcome.next });
    return null;
  }

  #action(session: CobrowseSession, id: number, action: AgentAction): void {
    // Checked here and again on the page: the page also refuses anything after its own revoke.
    const refusal = !allowsActions(session.control) ? 'CONTROL_NOT_GRANTED' : !session.customer ? 'TARGET_GONE' : null;
    if (refusal) {
      this.#audit(session, { kind: 'action-refused', actionId: id, code: refusal, by: 'server' });
      this.#toAgent(session, { type: 'action-refused', id, code: refusal });
      return;
    }
    this.#audit(session, { kind: 'action', actionId: id, action: action.kind, nodeId: action.nodeId });
    this.#toCustomer(session, { type: 'action', id, action });
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
      const session = customer.session;
      customer.session = null;
      if (session) this.#customerGone(session, customer);
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
    switch (message.type) {
      case 'end':
        this.endSession(session, 'customer-left');
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
        session.page = { url, title: message.title };
        this.#audit(session, { kind: 'page', url, title: message.title });
        if (session.agent) this.#toAgent(session, { type: 'page', url, title: message.title });
        return;
      }
      case 'control': {
        const refused = this.#control(session, { by: 'customer', kind: message.state });
        if (refused) customer.peer.sendError(refused);
        return;
      }
      case 'action-refused':
        this.#audit(session, { kind: 'action-refused', actionId: message.id, code: message.code, by: 'customer' });
        if (session.agent) this.#toAgent(session, { type: 'action-refused', id: message.id, code: message.code });
        return;
      case 'probe-echo':
        if (session.agent) this.#toAgent(session, { type: 'probe-echo', id: message.id, at: message.at });
        return;
      default:
        assertNever(message, 'customer message');
    }
  }

  #hello(customer: CustomerConnection, sessionId: string, secret: string): void {
    const session = this.sessions.get(sessionId);
    // The secret is checked even when the id is unknown, so both answers take the same time.
    const secretOk = matchesDigest(secret, session?.secretDigest ?? Buffer.alloc(32));
    if (!session || this.#ended.has(session)) return this.#refuseCustomer(customer, 'SESSION_NOT_FOUND');
    if (!secretOk) return this.#refuseCustomer(customer, 'SESSION_SECRET_INVALID');
    if (customer.helloTimer) clearTimeout(customer.helloTimer);
    customer.helloTimer = null;
    const previous = session.customer;
    if (previous) {
      // The page's secret proves it is the same customer: the next page of a navigation may say
      // hello before the server has seen the old page's socket close. The newest page wins.
      previous.session = null;
      this.#refuseCustomer(previous, 'SESSION_CUSTOMER_REPLACED');
    }
    const wasAway = this.#clearAway(this.#customerAway, session);
    const resumed = this.#customerSeen.has(session);
    this.#customerSeen.add(session);
    session.customer = customer;
    customer.session = session;
    this.#toCustomer(session, { type: 'ready', sessionId: session.id, resumed, control: session.control });
    if (wasAway) {
      this.#audit(session, { kind: 'customer-back' });
      if (session.agent) this.#toAgent(session, { type: 'customer-back' });
    }
    if (session.agent) this.#toCustomer(session, { type: 'agent-joined', displayName: agentDisplayName(session.agent.identity) });
    const agentAway = this.#agentAway.get(session);
    if (agentAway) this.#toCustomer(session, { type: 'agent-away', graceSeconds: this.#secondsLeft(agentAway) });
  }

  #customerGone(session: CobrowseSession, customer: CustomerConnection): void {
    if (session.customer !== customer || this.#ended.has(session)) return;
    session.customer = null;
    this.#audit(session, { kind: 'customer-away' });
    const away = this.#startAway(this.#customerAway, session, 'customer-unreachable');
    if (session.agent) this.#toAgent(session, { type: 'customer-away', graceSeconds: this.#secondsLeft(away) });
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
    const kind = pageFrameKindOf(frame[0]);
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
    if (agent.peer.send(frame, true)) {
      this.#deps.metrics.relayed(kindName, frame.length);
      this.#deps.onRelay?.({ sessionId: session.id, to: 'agent', binary: true, data: frame });
    }
  }

  // ---- away and grace ----

  #startAway(map: Map<CobrowseSession, Away>, session: CobrowseSession, reason: SessionEndReason): Away {
    this.#clearAway(map, session);
    const grace = this.#deps.limits.resumeGraceMs;
    const timer = setTimeout(() => this.endSession(session, reason), grace);
    timer.unref();
    const away = { timer, until: this.#deps.clock() + grace };
    map.set(session, away);
    return away;
  }

  /** Stops a side's grace; returns whether that side was away. */
  #clearAway(map: Map<CobrowseSession, Away>, session: CobrowseSession): boolean {
    const away = map.get(session);
    if (!away) return false;
    clearTimeout(away.timer);
    map.delete(session);
    return true;
  }

  #secondsLeft(away: Away): number {
    return Math.max(1, Math.ceil((away.until - this.#deps.clock()) / 1000));
  }

  // ---- ending ----

  /** Ends a session: both sides hear why; the customer socket closes, the agent may join again. */
  endSession(session: CobrowseSession, reason: SessionEndReason): void {
    if (this.#ended.has(session)) return;
    this.#ended.add(session);
    this.#clearAway(this.#agentAway, session);
    this.#clearAway(this.#customerAway, session);
    if (session.resumeDigest) this.#resumeTokens.delete(session.resumeDigest);
    session.resumeDigest = null;
    this.#pageVisits.delete(session.id);
    // A customer who stopped before any agent joined cancelled the code: an agent who tries it
    // later is told so, not that it expired.
    this.sessions.remove(session, reason === 'customer-left' ? 'cancelled' : 'expired');
    this.sessionsChanged();
    const ended = { type: 'session-ended', sessionId: session.id, reason } as const;
    if (session.agent) this.#toAgent(session, ended);
    if (session.customer) this.#toCustomer(session, ended);
    const { agent, customer } = session;
    session.agent = null;
    session.customer = null;
    if (agent) agent.session = null;
    if (customer) {
      customer.session = null;
      if (reason === 'server-shutdown') customer.peer.close(CloseCode.GoingAway, 'SERVER_SHUTTING_DOWN');
      else customer.peer.close(CloseCode.Normal, '');
    }
    this.#audit(session, { kind: 'end', reason });
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

  // ---- sending and auditing ----

  #toAgent(session: CobrowseSession, message: ServerToAgent): void {
    this.#sendText(session, 'agent', session.agent?.peer, message);
  }

  #toCustomer(session: CobrowseSession, message: ServerToCustomer): void {
    this.#sendText(session, 'customer', session.customer?.peer, message);
  }

  #sendText(session: CobrowseSession, to: 'agent' | 'customer', peer: PeerSocket | undefined, message: ServerToAgent | ServerToCustomer): void {
    if (!peer) return;
    const text = JSON.stringify(message);
    if (peer.send(text, false)) this.#deps.onRelay?.({ sessionId: session.id, to, binary: false, data: text });
  }

  #audit(session: CobrowseSession, event: AuditEvent): void {
    // A flood must not fill the disk: past the cap only the end is still written.
    if (event.kind !== 'end' && session.auditRows >= this.#deps.limits.auditEventsPerSession) return;
    session.auditRows += 1;
    try {
      this.#deps.audit.record(session.id, event, this.#deps.clock());
    } catch (err) {
      this.#deps.logger.error({ err, sessionId: session.id, event: event.kind }, 'cannot write the audit trail');
    }
  }
}
