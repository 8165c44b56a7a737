// Where live sessions' shared state is kept: behind this interface, so that one process keeps it
// in memory (MemorySessionStore) and a cluster keeps it where every node sees it (a Redis store).
// Sockets and timers never go in: they belong to the node holding the connection (LiveSession).
import type { Session, CreateOutcome, JoinOutcome, UnjoinedEnd } from './session-registry.js';

/** A session's state as the store keeps it. Plain data, so a shared store can serialise it. */
export type SessionRecord = Session;

/** The fields a running session changes; everything else is fixed at creation. */
export type SessionPatch = Partial<Pick<SessionRecord, 'control' | 'agentSub' | 'resumeDigest' | 'page' | 'auditRows'>>;

/**
 * The contract every session store keeps (the in-memory one and any shared one):
 *
 * - Every method returns a Promise, and the records it resolves with are snapshots: changing one
 *   changes nothing stored. Changes go through `update`.
 * - `create` makes a session with a 9-digit code that is unique among live sessions and recent
 *   tombstones (codes of ended or joined sessions, kept `sessionTombstoneMs`), and a customer
 *   secret of which only the SHA-256 digest is kept; it refuses past `maxLiveSessions`.
 * - `findByCode` SPENDS the code: exactly one caller, across every node, gets `ok: true` for a
 *   code; later callers get SESSION_CODE_USED until the tombstone lapses. A code not joined
 *   within `sessionUnjoinedTtlMs` answers SESSION_CODE_EXPIRED.
 * - `findById` finds a live session (an unjoined one past its TTL is not live).
 * - `findByResumeDigest` finds the live session whose current `resumeDigest` is the given hex
 *   SHA-256 of a resume token; a digest replaced by `update` or removed finds nothing.
 * - `update` changes a live session's fields; updating a removed session does nothing.
 * - `remove` forgets an ended session; a never-joined code then answers SESSION_CODE_EXPIRED, or
 *   SESSION_CODE_CANCELLED when `why` is 'cancelled' (the customer stopped before anyone joined).
 * - `expire` returns the unjoined sessions past their TTL (the caller ends and removes them) and
 *   drops lapsed tombstones.
 */
export interface SessionStore {
  create(customerOrigin: string | null): Promise<CreateOutcome>;
  findByCode(code: string): Promise<JoinOutcome>;
  findById(id: string): Promise<SessionRecord | undefined>;
  findByResumeDigest(digest: string): Promise<SessionRecord | undefined>;
  update(id: string, patch: SessionPatch): Promise<void>;
  remove(id: string, why?: UnjoinedEnd): Promise<void>;
  /** Cluster failover: keeps a session another node ran (its record as that node shared it). */
  adopt?(record: SessionRecord): Promise<void>;
  expire(): Promise<SessionRecord[]>;
  /** How many sessions are live (for the metrics gauge). */
  size(): Promise<number>;
}
