// One live co-browse session on this node: its two sides' sockets, what it has told them, and the
// state and timers it owns (resume grace of an away side, the ended flag, write-mode consent, the
// current resume token's digest, the audit cap). The hub routes sockets to it; the shared part of
// its state is written through to the session store.
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../common/errors.js';
import type { AgentAction, ControlState, ServerToAgent, ServerToCustomer, SessionEndReason } from '../../common/protocol.js';
import type { NetLimits } from '../limits.js';
import type { Clock } from '../policy/clock.js';
import type { AuditEvent, AuditLog } from '../store/audit-store.js';
import type { AgentConnection, CustomerConnection } from '../ws/connections.js';
import { CloseCode, type PeerSocket } from '../ws/peer-socket.js';
import { agentDisplayName } from './agent-display-name.js';
import { allowsActions, nextControlState, type ControlEvent } from './control-state.js';
import type { SessionPatch, SessionRecord, SessionStore } from './session-store.js';

/** One frame the server sent inside a session, as the test tap sees it. */
export interface RelayedFrame {
  readonly sessionId: string;
  readonly to: 'agent' | 'customer';
  readonly binary: boolean;
  /** The exact bytes (binary page frames) or text (JSON control messages) sent. */
  readonly data: Buffer | string;
}

/** Kinds the agent's own messages cause: each has the larger auditAgentEventsPerSession cap. */
const AGENT_AUDIT_KINDS: ReadonlySet<AuditEvent['kind']> = new Set(['agent-join', 'agent-resume', 'mode', 'action', 'annotation']);

export interface LiveSessionDeps {
  readonly limits: Pick<NetLimits, 'resumeGraceMs' | 'auditEventsPerKindPerSession' | 'auditAgentEventsPerSession'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly audit: AuditLog;
  readonly store: SessionStore;
  /** Told to the agent on joined: where its mirror may load the page's resources from, besides the customer origin. */
  readonly assetOrigins: readonly string[];
  /** Test tap: sees every frame sent to either side. Never set in the product. */
  readonly onRelay?: (frame: RelayedFrame) => void;
  /** Called once, when the session has ended (the hub forgets it). */
  readonly onEnded: (session: LiveSession, reason: SessionEndReason) => void;
}

interface Away {
  readonly timer: NodeJS.Timeout;
  readonly until: number;
}

/** Hex SHA-256 of a resume token: what the store indexes, never the token itself. */
export function resumeDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class LiveSession {
  readonly id: string;
  readonly code: string;
  readonly secretDigest: Buffer;
  readonly customerOrigin: string | null;
  readonly expiresAt: number;
  agent: AgentConnection | null = null;
  customer: CustomerConnection | null = null;
  #joined: boolean;
  #control: ControlState;
  #agentSub: string | null;
  #page: { readonly url: string; readonly title: string } | null;
  /** Rows asked for per kind in this process (stored or not); see audit(). */
  readonly #auditByKind = new Map<AuditEvent['kind'], number>();
  #agentAway: Away | null = null;
  #customerAway: Away | null = null;
  #customerSeen = false;
  #ended = false;
  readonly #deps: LiveSessionDeps;

  constructor(record: SessionRecord, deps: LiveSessionDeps) {
    this.id = record.id;
    this.code = record.code;
    this.secretDigest = record.secretDigest;
    this.customerOrigin = record.customerOrigin;
    this.expiresAt = record.expiresAt;
    this.#joined = record.joined;
    this.#control = record.control;
    this.#agentSub = record.agentSub;
    this.#page = record.page;
    this.#deps = deps;
  }

  get ended(): boolean {
    return this.#ended;
  }

  get controlState(): ControlState {
    return this.#control;
  }

  /** Whether a customer may still say hello: not ended, and joined or within the unjoined TTL. */
  acceptsCustomer(): boolean {
    return !this.#ended && (this.#joined || this.#deps.clock() < this.expiresAt);
  }

  /** Whether `agent` may take this session back: a session joined with an identity goes back only to it. */
  resumableBy(agent: AgentConnection): boolean {
    return this.#agentSub === (agent.identity?.sub ?? null);
  }

  // ---- the agent side ----

  /** An agent joined by code (the store has spent the code). */
  agentJoined(agent: AgentConnection): void {
    this.#joined = true;
    this.agent = agent;
    agent.session = this;
    this.#agentSub = agent.identity?.sub ?? null;
    this.#write({ agentSub: this.#agentSub });
    this.#deps.logger.info({ sessionId: this.id, remote: agent.peer.address, sub: agent.identity?.sub }, 'agent joined session');
    this.audit({ kind: 'agent-join', sub: agent.identity?.sub ?? null, email: agent.identity?.email ?? null, agentAuth: agent.agentAuth });
    this.#sendJoined(false);
  }

  /** A new authenticated socket took the session back with the one-use token of its last `joined`. */
  agentResumed(agent: AgentConnection): void {
    this.#setResumeDigest(null);
    const previous = this.agent;
    if (previous && previous !== agent) {
      // The old socket may be half-open (its network vanished without a close): the new one wins.
      previous.session = null;
      previous.peer.sendError('SESSION_RESUMED_ELSEWHERE');
      previous.peer.close(CloseCode.PolicyViolation, 'SESSION_RESUMED_ELSEWHERE');
    }
    this.#agentAway = this.#clearAway(this.#agentAway);
    this.agent = agent;
    agent.session = this;
    this.#deps.logger.info({ sessionId: this.id, remote: agent.peer.address, sub: agent.identity?.sub }, 'agent resumed session');
    this.audit({ kind: 'agent-resume', sub: agent.identity?.sub ?? null });
    this.#sendJoined(true);
  }

  /** `joined` with a fresh resume token, then what a newly arrived agent must know. */
  #sendJoined(resumed: boolean): void {
    if (!this.agent) return;
    const resumeToken = randomBytes(32).toString('base64url');
    this.#setResumeDigest(resumeDigest(resumeToken));
    this.toAgent({
      type: 'joined',
      sessionId: this.id,
      customerOrigin: this.customerOrigin,
      assetOrigins: [...this.#deps.assetOrigins],
      resumeToken,
      resumed,
      control: this.#control,
    });
    if (this.#page) this.toAgent({ type: 'page', url: this.#page.url, title: this.#page.title });
    if (this.#customerAway) this.toAgent({ type: 'customer-away', graceSeconds: this.#secondsLeft(this.#customerAway) });
    // The customer's page answers agent-joined with a fresh full snapshot: never a cursor over nothing.
    if (this.customer) this.toCustomer({ type: 'agent-joined', displayName: agentDisplayName(this.agent.identity) });
  }

  /** The agent's socket closed: the session waits for a resume until the grace ends. */
  agentGone(agent: AgentConnection): void {
    if (this.agent !== agent || this.#ended) return;
    this.agent = null;
    this.#deps.logger.info({ sessionId: this.id, remote: agent.peer.address }, 'agent link dropped; waiting for a resume');
    this.audit({ kind: 'agent-away' });
    this.#agentAway = this.#startAway(this.#agentAway, 'agent-unreachable');
    if (this.customer) this.toCustomer({ type: 'agent-away', graceSeconds: this.#secondsLeft(this.#agentAway) });
  }

  /**
   * Cluster drain: this node lets the session go without ending it (another node takes it over
   * when the sides reconnect there). Timers stop; the sides' closes are no longer audited here.
   */
  detach(): void {
    this.#agentAway = this.#clearAway(this.#agentAway);
    this.#customerAway = this.#clearAway(this.#customerAway);
    this.#ended = true;
  }

  /** Cluster failover: this node took the session over; each side seen before gets a fresh grace to come back. */
  awaitSides(customerSeen: boolean): void {
    this.#customerSeen = customerSeen;
    if (this.#joined) this.#agentAway = this.#startAway(this.#agentAway, 'agent-unreachable');
    if (customerSeen) this.#customerAway = this.#startAway(this.#customerAway, 'customer-unreachable');
  }

  // ---- the customer side ----

  /** A customer page proved the session's secret (the hub checked it). The newest page wins. */
  customerHello(customer: CustomerConnection): void {
    const previous = this.customer;
    if (previous) {
      // The page's secret proves it is the same customer: the next page of a navigation may say
      // hello before the server has seen the old page's socket close.
      previous.session = null;
      previous.peer.sendError('SESSION_CUSTOMER_REPLACED');
      previous.peer.close(CloseCode.PolicyViolation, 'SESSION_CUSTOMER_REPLACED');
    }
    const wasAway = this.#customerAway !== null;
    this.#customerAway = this.#clearAway(this.#customerAway);
    const resumed = this.#customerSeen;
    this.#customerSeen = true;
    this.customer = customer;
    customer.session = this;
    this.toCustomer({ type: 'ready', sessionId: this.id, resumed, control: this.#control });
    if (wasAway) {
      this.audit({ kind: 'customer-back' });
      if (this.agent) this.toAgent({ type: 'customer-back' });
    }
    if (this.agent) this.toCustomer({ type: 'agent-joined', displayName: agentDisplayName(this.agent.identity) });
    if (this.#agentAway) this.toCustomer({ type: 'agent-away', graceSeconds: this.#secondsLeft(this.#agentAway) });
  }

  customerGone(customer: CustomerConnection): void {
    if (this.customer !== customer || this.#ended) return;
    this.customer = null;
    this.audit({ kind: 'customer-away' });
    this.#customerAway = this.#startAway(this.#customerAway, 'customer-unreachable');
    if (this.agent) this.toAgent({ type: 'customer-away', graceSeconds: this.#secondsLeft(this.#customerAway) });
  }

  /** The customer's current page (URL already stripped of query and fragment). */
  pageChanged(url: string, title: string): void {
    this.#page = { url, title };
    this.#write({ page: this.#page });
    this.audit({ kind: 'page', url, title });
    if (this.agent) this.toAgent({ type: 'page', url, title });
  }

  // ---- control ----

  /** Moves write-mode consent; returns the refusal code when the sender may not. */
  control(event: ControlEvent): ErrorCode | null {
    const outcome = nextControlState(this.#control, event);
    if (!outcome.ok) return outcome.code;
    if (outcome.next === null) return null;
    this.#control = outcome.next;
    this.#write({ control: outcome.next });
    this.audit({ kind: 'mode', state: outcome.next, by: event.by });
    if (this.agent) this.toAgent({ type: 'control', state: outcome.next });
    if (this.customer) this.toCustomer({ type: 'control', state: outcome.next });
    return null;
  }

  action(id: number, action: AgentAction): void {
    // Checked here and again on the page: the page also refuses anything after its own revoke.
    const refusal = !allowsActions(this.#control) ? 'CONTROL_NOT_GRANTED' : !this.customer ? 'TARGET_GONE' : null;
    if (refusal) {
      this.audit({ kind: 'action-refused', actionId: id, code: refusal, by: 'server' });
      this.toAgent({ type: 'action-refused', id, code: refusal });
      return;
    }
    this.audit({ kind: 'action', actionId: id, action: action.kind, nodeId: action.nodeId });
    this.toCustomer({ type: 'action', id, action });
  }

  // ---- away and grace ----

  #startAway(current: Away | null, reason: SessionEndReason): Away {
    this.#clearAway(current);
    const grace = this.#deps.limits.resumeGraceMs;
    const timer = setTimeout(() => this.end(reason), grace);
    timer.unref();
    return { timer, until: this.#deps.clock() + grace };
  }

  #clearAway(away: Away | null): null {
    if (away) clearTimeout(away.timer);
    return null;
  }

  #secondsLeft(away: Away): number {
    return Math.max(1, Math.ceil((away.until - this.#deps.clock()) / 1000));
  }

  // ---- ending ----

  /** Ends the session: both sides hear why; the customer socket closes, the agent may join again. */
  end(reason: SessionEndReason): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#agentAway = this.#clearAway(this.#agentAway);
    this.#customerAway = this.#clearAway(this.#customerAway);
    // The hub forgets it, and the store drops its record and resume-token digest.
    this.#deps.onEnded(this, reason);
    const ended = { type: 'session-ended', sessionId: this.id, reason } as const;
    if (this.agent) this.toAgent(ended);
    if (this.customer) this.toCustomer(ended);
    const { agent, customer } = this;
    this.agent = null;
    this.customer = null;
    if (agent) agent.session = null;
    if (customer) {
      customer.session = null;
      if (reason === 'server-shutdown') customer.peer.close(CloseCode.GoingAway, 'SERVER_SHUTTING_DOWN');
      else customer.peer.close(CloseCode.Normal, '');
    }
    this.audit({ kind: 'end', reason });
    this.#deps.logger.info({ sessionId: this.id, reason }, 'session ended');
  }

  // ---- sending, storing and auditing ----

  toAgent(message: ServerToAgent): void {
    this.#sendText('agent', this.agent?.peer, message);
  }

  toCustomer(message: ServerToCustomer): void {
    this.#sendText('customer', this.customer?.peer, message);
  }

  #sendText(to: 'agent' | 'customer', peer: PeerSocket | undefined, message: ServerToAgent | ServerToCustomer): void {
    if (!peer) return;
    const text = JSON.stringify(message);
    if (peer.send(text, false)) this.#deps.onRelay?.({ sessionId: this.id, to, binary: false, data: text });
  }

  /** The one live resume token's digest is kept by the store, which finds the session by it. */
  #setResumeDigest(digest: string | null): void {
    this.#write({ resumeDigest: digest });
  }

  /** Writes a change through to the store; this node's copy is already changed. */
  #write(patch: SessionPatch): void {
    this.#deps.store.update(this.id, patch).catch((err: unknown) => {
      this.#deps.logger.error({ err, sessionId: this.id }, 'cannot write the session to its store');
    });
  }

  /**
   * Writes one audit row unless its kind reached its cap in this session (server/limits.ts): a
   * flood of one kind (say the page's action-refused) fills only its own share, never hiding
   * control changes, agent actions or the end; the first row past a cap says so (audit-capped).
   */
  audit(event: AuditEvent): void {
    if (event.kind !== 'session-start' && event.kind !== 'end' && event.kind !== 'audit-capped') {
      const { limits } = this.#deps;
      const cap = AGENT_AUDIT_KINDS.has(event.kind) ? limits.auditAgentEventsPerSession : limits.auditEventsPerKindPerSession;
      const count = (this.#auditByKind.get(event.kind) ?? 0) + 1;
      this.#auditByKind.set(event.kind, count);
      if (count > cap) {
        if (count === cap + 1) this.#recordAudit({ kind: 'audit-capped', of: event.kind, after: cap });
        return;
      }
    }
    this.#recordAudit(event);
  }

  #recordAudit(event: AuditEvent): void {
    try {
      this.#deps.audit.record(this.id, event, this.#deps.clock());
    } catch (err) {
      this.#deps.logger.error({ err, sessionId: this.id, event: event.kind }, 'cannot write the audit trail');
    }
  }
}
