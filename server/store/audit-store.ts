// The co-browse audit trail in SQLite (table audit_events, same database file as the options).
// What is recorded is chosen by the hub; this file only stores rows and reads a session back.
// Rows never hold typed values, page contents, secrets or tokens: only who, what kind, which node.
import Database from 'better-sqlite3';
import { assertNever } from '../../common/assert-never.js';
import type { ActionRefusal, AgentAction, ControlState, SessionEndReason } from '../../common/protocol.js';
import type { MetricsRegistry } from '../metrics/net-metrics.js';
import { openDatabase, type Db } from './open-database.js';

export type AuditEvent =
  | { readonly kind: 'session-start'; readonly customerOrigin: string | null }
  | { readonly kind: 'agent-join'; readonly sub: string | null; readonly email: string | null; readonly agentAuth: string }
  | { readonly kind: 'agent-away' }
  | { readonly kind: 'agent-resume'; readonly sub: string | null }
  | { readonly kind: 'customer-away' }
  | { readonly kind: 'customer-back' }
  | { readonly kind: 'page'; readonly url: string; readonly title: string }
  | { readonly kind: 'mode'; readonly state: ControlState; readonly by: 'agent' | 'customer' }
  | { readonly kind: 'action'; readonly actionId: number; readonly action: AgentAction['kind']; readonly nodeId: number }
  | { readonly kind: 'action-refused'; readonly actionId: number; readonly code: ActionRefusal; readonly by: 'server' | 'customer' }
  /** A pen stroke the agent drew over the customer's page: only its size, never where or what. */
  | { readonly kind: 'annotation'; readonly points: number }
  | { readonly kind: 'end'; readonly reason: SessionEndReason }
  /** Written once when a kind reaches its cap in a session: later rows of that kind are not stored. */
  | { readonly kind: 'audit-capped'; readonly of: Exclude<AuditEvent['kind'], 'audit-capped'>; readonly after: number };

/**
 * What the hub writes to: AuditStore (SQLite) on one node, PgAuditStore (PostgreSQL, queued) in a
 * cluster. `record` never blocks the relay; `history` may be asynchronous (a database round trip).
 */
export interface AuditLog {
  record(sessionId: string, event: AuditEvent, at?: number): void;
  history(sessionId: string, maxEvents: number): Promise<SessionHistory | null>;
  /** Adds the store's own metrics (queue depth, drops) to the server's /metrics. */
  registerMetrics?(registry: MetricsRegistry): void;
}

export interface SessionHistory {
  readonly sessionId: string;
  readonly startedAt: string;
  readonly customerOrigin: string | null;
  readonly endedAt: string | null;
  readonly endReason: SessionEndReason | null;
  readonly agents: readonly { readonly sub: string | null; readonly email: string | null; readonly joinedAt: string }[];
  readonly pages: readonly { readonly url: string; readonly title: string; readonly at: string }[];
  readonly modes: readonly { readonly state: ControlState; readonly by: 'agent' | 'customer'; readonly at: string }[];
  readonly actions: readonly { readonly actionId: number; readonly action: string; readonly nodeId: number; readonly at: string }[];
  readonly refusals: readonly { readonly actionId: number; readonly code: ActionRefusal; readonly by: 'server' | 'customer'; readonly at: string }[];
  /** Kinds that reached their cap in this session: past `after` rows, that kind was not stored. */
  readonly capped: readonly { readonly of: string; readonly after: number; readonly at: string }[];
  /** Stored rows left out of `events` by the endpoint's limit (the end row is always included). */
  readonly eventsOmitted: number;
  /** Every row in order, for the full trail (up to the endpoint's limit, then the end). */
  readonly events: readonly ({ readonly at: string } & AuditEvent)[];
}

/**
 * The rows the history endpoint shows: the first `maxEvents` stored, then the end row even when it
 * lies past them (a flooded session must not look as if it never ended). `total` and `ends` are
 * only asked for when the first page is full.
 */
export async function historyRows<T extends { kind: string }>(
  first: readonly T[],
  maxEvents: number,
  more: () => Promise<{ total: number; ends: readonly T[] }> | { total: number; ends: readonly T[] },
): Promise<{ rows: T[]; omitted: number }> {
  if (first.length < maxEvents) return { rows: [...first], omitted: 0 };
  const { total, ends } = await more();
  if (total <= first.length) return { rows: [...first], omitted: 0 };
  const tail = first.some((r) => r.kind === 'end') ? [] : ends;
  return { rows: [...first, ...tail], omitted: total - first.length - tail.length };
}

export interface Row {
  at: number;
  kind: string;
  data: string;
}

export class AuditStore implements AuditLog {
  readonly #insert: Database.Statement;
  readonly #select: Database.Statement;
  readonly #count: Database.Statement;
  readonly #ends: Database.Statement;

  private constructor(private readonly db: Db) {
    this.#insert = db.prepare('INSERT INTO audit_events (session_id, at, kind, data) VALUES (?, ?, ?, ?)');
    this.#select = db.prepare('SELECT at, kind, data FROM audit_events WHERE session_id = ? ORDER BY id LIMIT ?');
    this.#count = db.prepare('SELECT count(*) AS n FROM audit_events WHERE session_id = ?');
    this.#ends = db.prepare("SELECT at, kind, data FROM audit_events WHERE session_id = ? AND kind = 'end' ORDER BY id");
  }

  /** Opens the data dir's database (made when missing) on its own connection. */
  static open(dataDir: string): AuditStore {
    const db = openDatabase(dataDir, true);
    if (!db) throw new Error('openDatabase with create returned no database');
    return new AuditStore(db);
  }

  /** A store in memory, for a server started without a data dir (the network tests). */
  static inMemory(): AuditStore {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE audit_events (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL) STRICT;`);
    return new AuditStore(db);
  }

  record(sessionId: string, event: AuditEvent, at = Date.now()): void {
    const { kind, ...data } = event;
    this.#insert.run(sessionId, at, kind, JSON.stringify(data));
  }

  async history(sessionId: string, maxEvents: number): Promise<SessionHistory | null> {
    const first = this.#select.all(sessionId, maxEvents) as Row[];
    if (first.length === 0) return null;
    const { rows, omitted } = await historyRows(first, maxEvents, () => ({
      total: (this.#count.get(sessionId) as { n: number }).n,
      ends: this.#ends.all(sessionId) as Row[],
    }));
    return buildHistory(sessionId, rows, omitted);
  }

  close(): void {
    this.db.close();
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Builds the history endpoint's answer from a session's rows in order (SQLite or PostgreSQL). */
export function buildHistory(sessionId: string, rows: readonly Row[], eventsOmitted = 0): SessionHistory {
  const events = rows.map((row) => ({ at: iso(row.at), kind: row.kind, ...(JSON.parse(row.data) as object) }) as { at: string } & AuditEvent);
  const first = events[0];
  let startedAt = first ? first.at : iso(0);
  let customerOrigin: string | null = null;
  let endedAt: string | null = null;
  let endReason: SessionEndReason | null = null;
  const agents: { sub: string | null; email: string | null; joinedAt: string }[] = [];
  const pages: { url: string; title: string; at: string }[] = [];
  const modes: { state: ControlState; by: 'agent' | 'customer'; at: string }[] = [];
  const actions: { actionId: number; action: string; nodeId: number; at: string }[] = [];
  const refusals: { actionId: number; code: ActionRefusal; by: 'server' | 'customer'; at: string }[] = [];
  const capped: { of: string; after: number; at: string }[] = [];
  for (const e of events) {
    switch (e.kind) {
      case 'session-start':
        startedAt = e.at;
        customerOrigin = e.customerOrigin;
        break;
      case 'agent-join':
        agents.push({ sub: e.sub, email: e.email, joinedAt: e.at });
        break;
      case 'page':
        pages.push({ url: e.url, title: e.title, at: e.at });
        break;
      case 'mode':
        modes.push({ state: e.state, by: e.by, at: e.at });
        break;
      case 'action':
        actions.push({ actionId: e.actionId, action: e.action, nodeId: e.nodeId, at: e.at });
        break;
      case 'action-refused':
        refusals.push({ actionId: e.actionId, code: e.code, by: e.by, at: e.at });
        break;
      case 'end':
        endedAt = e.at;
        endReason = e.reason;
        break;
      case 'audit-capped':
        capped.push({ of: e.of, after: e.after, at: e.at });
        break;
      case 'annotation':
      case 'agent-away':
      case 'agent-resume':
      case 'customer-away':
      case 'customer-back':
        break;
      default:
        assertNever(e, 'audit event');
    }
  }
  return { sessionId, startedAt, customerOrigin, endedAt, endReason, agents, pages, modes, actions, refusals, capped, eventsOmitted, events };
}
