// The audit trail in PostgreSQL for a cluster. `record` never waits for the database: events go
// into a bounded in-memory queue that one writer drains in batches, retrying with backoff while
// PostgreSQL is away. Each event carries a uuid so a batch retried after a lost COMMIT answer is
// written once. A full queue drops new events: counted (agentdesk_audit_dropped_total) and logged
// at most once per window. `history` reads every node's rows of one session in time order.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  AUDIT_BATCH_MAX_EVENTS,
  AUDIT_DROP_LOG_INTERVAL_MS,
  AUDIT_QUEUE_MAX_EVENTS,
  AUDIT_RETRY_MAX_MS,
  AUDIT_RETRY_MIN_MS,
} from '../../cluster/cluster-limits.js';
import type { MetricsRegistry } from '../../metrics/net-metrics.js';
import { buildHistory, historyRows, type AuditEvent, type AuditLog, type SessionHistory } from '../audit-store.js';
import type { PgPool } from './pg-database.js';

interface QueuedEvent {
  readonly eventId: string;
  readonly sessionId: string;
  readonly at: number;
  readonly kind: string;
  readonly data: string;
}

export interface PgAuditStoreOptions {
  readonly pool: PgPool;
  readonly logger: Logger;
  /** This node's name, stored with each row (which node saw what, after a failover). */
  readonly node: string;
  readonly maxQueued?: number;
}

export interface AuditQueueStats {
  readonly queued: number;
  readonly written: number;
  readonly dropped: number;
  readonly failedWrites: number;
}

export class PgAuditStore implements AuditLog {
  readonly #pool: PgPool;
  readonly #logger: Logger;
  readonly #node: string;
  readonly #maxQueued: number;
  #queue: QueuedEvent[] = [];
  #writing = false;
  #retryMs = AUDIT_RETRY_MIN_MS;
  #retryTimer: NodeJS.Timeout | null = null;
  #written = 0;
  #dropped = 0;
  #failedWrites = 0;
  #droppedSinceLog = 0;
  #lastDropLog = 0;
  #closed = false;
  readonly #idle = new Set<() => void>();
  #metrics: MetricsRegistry | null = null;

  constructor(opts: PgAuditStoreOptions) {
    this.#pool = opts.pool;
    this.#logger = opts.logger;
    this.#node = opts.node;
    this.#maxQueued = opts.maxQueued ?? AUDIT_QUEUE_MAX_EVENTS;
  }

  registerMetrics(registry: MetricsRegistry): void {
    registry.define('agentdesk_audit_queued', 'gauge', 'Audit events waiting to be written to PostgreSQL.');
    registry.define('agentdesk_audit_dropped_total', 'counter', 'Audit events dropped because the queue to PostgreSQL was full.');
    registry.define('agentdesk_audit_write_failures_total', 'counter', 'Failed audit batch writes to PostgreSQL (each is retried).');
    registry.set('agentdesk_audit_queued', {}, this.#queue.length);
    registry.set('agentdesk_audit_dropped_total', {}, this.#dropped);
    registry.set('agentdesk_audit_write_failures_total', {}, this.#failedWrites);
    this.#metrics = registry;
  }

  record(sessionId: string, event: AuditEvent, at = Date.now()): void {
    if (this.#closed) return;
    if (this.#queue.length >= this.#maxQueued) {
      this.#drop(sessionId, event.kind);
      return;
    }
    const { kind, ...data } = event;
    this.#queue.push({ eventId: randomUUID(), sessionId, at, kind, data: JSON.stringify(data) });
    this.#metrics?.set('agentdesk_audit_queued', {}, this.#queue.length);
    if (!this.#writing && !this.#retryTimer) queueMicrotask(() => void this.#drain());
  }

  async history(sessionId: string, maxEvents: number): Promise<SessionHistory | null> {
    const { rows } = await this.#pool.query<{ at: string; kind: string; data: string }>(
      'SELECT at, kind, data FROM audit_events WHERE session_id = $1 ORDER BY at, id LIMIT $2',
      [sessionId, maxEvents],
    );
    if (rows.length === 0) return null;
    const toRow = (r: { at: string; kind: string; data: string }) => ({ at: Number(r.at), kind: r.kind, data: r.data });
    const { rows: shown, omitted } = await historyRows(rows.map(toRow), maxEvents, async () => {
      const count = await this.#pool.query<{ n: string }>('SELECT count(*) AS n FROM audit_events WHERE session_id = $1', [sessionId]);
      const ends = await this.#pool.query<{ at: string; kind: string; data: string }>("SELECT at, kind, data FROM audit_events WHERE session_id = $1 AND kind = 'end' ORDER BY at, id", [sessionId]);
      return { total: Number(count.rows[0]?.n ?? 0), ends: ends.rows.map(toRow) };
    });
    return buildHistory(sessionId, shown, omitted);
  }

  stats(): AuditQueueStats {
    return { queued: this.#queue.length, written: this.#written, dropped: this.#dropped, failedWrites: this.#failedWrites };
  }

  /** Resolves once the queue is empty (or after `timeoutMs`, with events still queued). */
  flush(timeoutMs = 5_000): Promise<boolean> {
    if (this.#queue.length === 0 && !this.#writing) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#idle.delete(done);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#idle.delete(done);
        resolve(false);
      }, timeoutMs);
      this.#idle.add(done);
    });
  }

  /** Tries to write what is queued (up to `timeoutMs`), then stops; later records are ignored. */
  async close(timeoutMs = 5_000): Promise<void> {
    const flushed = await this.flush(timeoutMs);
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    if (!flushed) this.#logger.warn({ queued: this.#queue.length }, 'audit events not written to PostgreSQL before shutdown');
  }

  #drop(sessionId: string, kind: string): void {
    this.#dropped += 1;
    this.#droppedSinceLog += 1;
    this.#metrics?.set('agentdesk_audit_dropped_total', {}, this.#dropped);
    const now = Date.now();
    if (now - this.#lastDropLog >= AUDIT_DROP_LOG_INTERVAL_MS) {
      this.#logger.error(
        { code: 'AUDIT_EVENTS_DROPPED', dropped: this.#droppedSinceLog, queued: this.#queue.length, sessionId, kind },
        'audit queue to PostgreSQL is full: events dropped',
      );
      this.#lastDropLog = now;
      this.#droppedSinceLog = 0;
    }
  }

  async #drain(): Promise<void> {
    if (this.#writing || this.#closed) return;
    this.#writing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const batch = this.#queue.slice(0, AUDIT_BATCH_MAX_EVENTS);
        try {
          await this.#insert(batch);
        } catch (err) {
          this.#failedWrites += 1;
          this.#metrics?.set('agentdesk_audit_write_failures_total', {}, this.#failedWrites);
          this.#logger.warn({ err: err instanceof Error ? err.message : String(err), queued: this.#queue.length, retryMs: this.#retryMs }, 'audit write to PostgreSQL failed; will retry');
          this.#retryTimer = setTimeout(() => {
            this.#retryTimer = null;
            void this.#drain();
          }, this.#retryMs);
          this.#retryTimer.unref();
          this.#retryMs = Math.min(this.#retryMs * 2, AUDIT_RETRY_MAX_MS);
          return;
        }
        this.#retryMs = AUDIT_RETRY_MIN_MS;
        this.#queue.splice(0, batch.length);
        this.#written += batch.length;
        this.#metrics?.set('agentdesk_audit_queued', {}, this.#queue.length);
      }
    } finally {
      this.#writing = false;
      if (this.#queue.length === 0) for (const wake of [...this.#idle]) wake();
    }
  }

  async #insert(batch: readonly QueuedEvent[]): Promise<void> {
    const values: unknown[] = [];
    const tuples = batch.map((e, i) => {
      values.push(e.eventId, e.sessionId, e.at, e.kind, e.data, this.#node);
      const b = i * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
    });
    await this.#pool.query(
      `INSERT INTO audit_events (event_id, session_id, at, kind, data, node) VALUES ${tuples.join(', ')} ON CONFLICT (event_id) DO NOTHING`,
      values,
    );
  }
}
