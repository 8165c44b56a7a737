// Live co-browse sessions and their 9-digit codes. Codes come from the CSPRNG, are unique among
// live sessions and recent tombstones, single-use (a joined code is spent) and expire when not
// joined within the unjoined TTL. This module holds data only; sockets live in server/ws/.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ControlState } from '../../common/protocol.js';
import type { NetLimits } from '../limits.js';
import type { Clock } from '../policy/clock.js';
import { secretDigest } from '../policy/secret-digest.js';
import { randomDigits } from './random-digits.js';

/** A live session's shared state: plain data, no sockets or timers (those live in LiveSession). */
export interface Session {
  readonly id: string;
  readonly code: string;
  readonly secretDigest: Buffer;
  readonly customerOrigin: string | null;
  readonly expiresAt: number;
  joined: boolean;
  /** Write-mode consent; pointer mode is always on. */
  control: ControlState;
  /** The `sub` of the agent that joined (null without per-agent identity); a resume must match it. */
  agentSub: string | null;
  /** Hex SHA-256 of the agent's current resume token (one use), or null. */
  resumeDigest: string | null;
  /** The customer's current page (URL without query or fragment), for agents who join later. */
  page: { readonly url: string; readonly title: string } | null;
  /** Audit rows written for this session (capped by auditEventsPerSession). */
  auditRows: number;
}

/** Why an unjoined code is gone: its time ran out, or the customer stopped before anyone joined. */
export type UnjoinedEnd = 'expired' | 'cancelled';

type Tombstone = { readonly why: 'used' | UnjoinedEnd; readonly until: number };

const TOMBSTONE_CODES = { used: 'SESSION_CODE_USED', expired: 'SESSION_CODE_EXPIRED', cancelled: 'SESSION_CODE_CANCELLED' } as const;

/** `S`: the record a store hands out (a cluster's adds which nodes hold the sides). */
export type JoinOutcome<S extends Session = Session> =
  | { readonly ok: true; readonly session: S }
  | { readonly ok: false; readonly code: 'SESSION_CODE_UNKNOWN' | 'SESSION_CODE_EXPIRED' | 'SESSION_CODE_USED' | 'SESSION_CODE_CANCELLED' };

export type CreateOutcome<S extends Session = Session> =
  | { readonly ok: true; readonly session: S; readonly customerSecret: string }
  | { readonly ok: false; readonly code: 'SESSION_CAPACITY_REACHED' };

/** A new session's customer secret: 32 bytes from the CSPRNG; stores keep only its digest. */
export function newCustomerSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A new, unjoined session as every store starts one: a fresh id, no agent, no page, no consent. */
export function newSession(code: string, customerSecret: string, customerOrigin: string | null, expiresAt: number): Session {
  return {
    id: randomUUID(),
    code,
    secretDigest: secretDigest(customerSecret),
    customerOrigin,
    expiresAt,
    joined: false,
    control: 'none',
    agentSub: null,
    resumeDigest: null,
    page: null,
    auditRows: 0,
  };
}

type RegistryLimits = Pick<NetLimits, 'sessionUnjoinedTtlMs' | 'sessionTombstoneMs' | 'maxLiveSessions'>;

export class SessionRegistry {
  readonly #byId = new Map<string, Session>();
  readonly #byCode = new Map<string, Session>();
  readonly #tombstones = new Map<string, Tombstone>();
  readonly #limits: RegistryLimits;
  readonly #clock: Clock;

  constructor(limits: RegistryLimits, clock: Clock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  get size(): number {
    return this.#byId.size;
  }

  create(customerOrigin: string | null): CreateOutcome {
    if (this.#byId.size >= this.#limits.maxLiveSessions) return { ok: false, code: 'SESSION_CAPACITY_REACHED' };
    let code = randomDigits(9);
    while (this.#byCode.has(code) || this.#tombstones.has(code)) code = randomDigits(9);
    const customerSecret = newCustomerSecret();
    const session = newSession(code, customerSecret, customerOrigin, this.#clock() + this.#limits.sessionUnjoinedTtlMs);
    this.#byId.set(session.id, session);
    this.#byCode.set(code, session);
    return { ok: true, session, customerSecret };
  }

  /**
   * Cluster failover: takes in a session whose home node died, from the state it shared. An
   * unjoined one gets its code back; a joined one's code stays spent.
   */
  adopt(state: Session): Session {
    const existing = this.#byId.get(state.id);
    if (existing) return existing;
    const session: Session = { ...state };
    this.#byId.set(session.id, session);
    if (!session.joined) this.#byCode.set(session.code, session);
    else this.#tombstones.set(session.code, { why: 'used', until: this.#clock() + this.#limits.sessionTombstoneMs });
    return session;
  }

  /** Spends the code: on success the session is joined and the code can never be joined again. */
  join(code: string): JoinOutcome {
    const now = this.#clock();
    const session = this.#byCode.get(code);
    if (session) {
      if (now >= session.expiresAt) return { ok: false, code: 'SESSION_CODE_EXPIRED' };
      this.#byCode.delete(code);
      this.#tombstones.set(code, { why: 'used', until: now + this.#limits.sessionTombstoneMs });
      session.joined = true;
      return { ok: true, session };
    }
    const tombstone = this.#tombstones.get(code);
    if (tombstone && now < tombstone.until) {
      return { ok: false, code: TOMBSTONE_CODES[tombstone.why] };
    }
    return { ok: false, code: 'SESSION_CODE_UNKNOWN' };
  }

  /** A live session by id, for the customer's hello; unjoined sessions past their TTL are not live. */
  get(id: string): Session | undefined {
    const session = this.#byId.get(id);
    if (!session || (!session.joined && this.#clock() >= session.expiresAt)) return undefined;
    return session;
  }

  /** Forgets an ended session; its code, if never joined, answers "expired" (or "cancelled") from now on. */
  remove(session: Session, why: UnjoinedEnd = 'expired'): void {
    if (this.#byId.get(session.id) !== session) return;
    this.#byId.delete(session.id);
    if (this.#byCode.get(session.code) === session) {
      this.#byCode.delete(session.code);
      this.#tombstones.set(session.code, { why, until: this.#clock() + this.#limits.sessionTombstoneMs });
    }
  }

  /** Unjoined sessions past their TTL (the caller ends and removes them); drops old tombstones. */
  expired(): Session[] {
    const now = this.#clock();
    for (const [code, tombstone] of this.#tombstones) if (now >= tombstone.until) this.#tombstones.delete(code);
    return [...this.#byId.values()].filter((s) => !s.joined && now >= s.expiresAt);
  }

  all(): Session[] {
    return [...this.#byId.values()];
  }
}
