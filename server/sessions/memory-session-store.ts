// The session store of a single server process: SessionRegistry's codes and TTLs in memory, plus
// the resume-token index. Implements SessionStore's contract (session-store.ts).
import type { NetLimits } from '../limits.js';
import type { Clock } from '../policy/clock.js';
import { SessionRegistry, type CreateOutcome, type JoinOutcome, type UnjoinedEnd } from './session-registry.js';
import type { SessionPatch, SessionRecord, SessionStore } from './session-store.js';

type StoreLimits = Pick<NetLimits, 'sessionUnjoinedTtlMs' | 'sessionTombstoneMs' | 'maxLiveSessions'>;

function snapshot(record: SessionRecord): SessionRecord {
  return { ...record };
}

export class MemorySessionStore implements SessionStore {
  readonly #registry: SessionRegistry;
  /** Hex SHA-256 of a live resume token → its session id. A lookup by digest leaks nothing usable. */
  readonly #resumeDigests = new Map<string, string>();

  constructor(limits: StoreLimits, clock: Clock) {
    this.#registry = new SessionRegistry(limits, clock);
  }

  create(customerOrigin: string | null): Promise<CreateOutcome> {
    const created = this.#registry.create(customerOrigin);
    return Promise.resolve(created.ok ? { ...created, session: snapshot(created.session) } : created);
  }

  findByCode(code: string): Promise<JoinOutcome> {
    const joined = this.#registry.join(code);
    return Promise.resolve(joined.ok ? { ok: true, session: snapshot(joined.session) } : joined);
  }

  findById(id: string): Promise<SessionRecord | undefined> {
    const record = this.#registry.get(id);
    return Promise.resolve(record && snapshot(record));
  }

  findByResumeDigest(digest: string): Promise<SessionRecord | undefined> {
    const id = this.#resumeDigests.get(digest);
    return this.findById(id ?? '');
  }

  update(id: string, patch: SessionPatch): Promise<void> {
    const record = this.#registry.get(id);
    if (record) {
      if (patch.resumeDigest !== undefined && record.resumeDigest !== patch.resumeDigest) {
        if (record.resumeDigest) this.#resumeDigests.delete(record.resumeDigest);
        if (patch.resumeDigest) this.#resumeDigests.set(patch.resumeDigest, id);
      }
      Object.assign(record, patch);
    }
    return Promise.resolve();
  }

  adopt(record: SessionRecord): Promise<void> {
    const kept = this.#registry.adopt(snapshot(record));
    if (kept.resumeDigest) this.#resumeDigests.set(kept.resumeDigest, kept.id);
    return Promise.resolve();
  }

  remove(id: string, why: UnjoinedEnd = 'expired'): Promise<void> {
    const record = this.#registry.get(id) ?? this.#registry.all().find((s) => s.id === id);
    if (record) {
      if (record.resumeDigest) this.#resumeDigests.delete(record.resumeDigest);
      this.#registry.remove(record, why);
    }
    return Promise.resolve();
  }

  expire(): Promise<SessionRecord[]> {
    return Promise.resolve(this.#registry.expired().map(snapshot));
  }

  size(): Promise<number> {
    return Promise.resolve(this.#registry.size);
  }
}
