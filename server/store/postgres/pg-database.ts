// The shared durable store of a cluster: one PostgreSQL database for every node. A pool per
// process; the schema is numbered like the SQLite one (table agentdesk_schema) and migrated under
// an advisory lock, so nodes starting together do not race each other's CREATE TABLE.
import pg from 'pg';
import { AgentDeskError } from '../../../common/errors.js';
import { PG_CONNECT_TIMEOUT_MS, PG_POOL_MAX, PG_QUERY_TIMEOUT_MS } from '../../cluster/cluster-limits.js';

export const PG_SCHEMA_VERSION = 1;
// Any constant works; it only has to be the same on every node (pg_advisory_xact_lock takes a bigint).
const MIGRATION_LOCK = 0x4147_4454_4b31;

export type PgPool = pg.Pool;

/** The address of the database for messages: host, port and name, never the password. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'the configured PostgreSQL URL';
  }
}

function reason(err: unknown): string {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : 'error';
}

export function createPgPool(url: string): PgPool {
  const pool = new pg.Pool({
    connectionString: url,
    max: PG_POOL_MAX,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    query_timeout: PG_QUERY_TIMEOUT_MS,
    // pg also reads `statement_timeout`; query_timeout is the client-side one that frees the node.
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server went away emits here; without a listener it would crash the node.
  pool.on('error', () => {});
  return pool;
}

async function migrate(client: pg.PoolClient, where: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS agentdesk_schema (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM agentdesk_schema');
    const version = rows[0]?.version ?? 0;
    if (version > PG_SCHEMA_VERSION) {
      throw new AgentDeskError(
        'SERVER_DATA_DIR_UNUSABLE',
        `The database ${where} was written by a newer agentdesk-server (schema ${version}); this one knows schema ${PG_SCHEMA_VERSION}.`,
      );
    }
    if (version < 1) {
      // The same tables as the SQLite store's schema 2. Times are ms since the epoch (bigint);
      // audit_events.event_id makes a retried batch insert exactly once.
      await client.query(`
        CREATE TABLE IF NOT EXISTS options (
          name        text PRIMARY KEY,
          key_id      text NOT NULL,
          iv          bytea NOT NULL,
          tag         bytea NOT NULL,
          ciphertext  bytea NOT NULL,
          valid_until bigint,
          updated_at  bigint NOT NULL
        );
        CREATE TABLE IF NOT EXISTS audit_events (
          id          bigserial PRIMARY KEY,
          event_id    uuid NOT NULL UNIQUE,
          session_id  text NOT NULL,
          at          bigint NOT NULL,
          kind        text NOT NULL,
          data        text NOT NULL,
          node        text NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_events_by_session ON audit_events (session_id, at, id);
        CREATE TABLE IF NOT EXISTS admin_credentials (
          name        text PRIMARY KEY,
          salt        bytea NOT NULL,
          digest      bytea NOT NULL,
          updated_at  bigint NOT NULL
        );
      `);
    }
    if (rows.length === 0) await client.query('INSERT INTO agentdesk_schema (version) VALUES ($1)', [PG_SCHEMA_VERSION]);
    else if (version !== PG_SCHEMA_VERSION) await client.query('UPDATE agentdesk_schema SET version = $1', [PG_SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Connects, migrates the schema and returns the pool; an unreachable database is exit 78 at start. */
export async function openPostgres(url: string): Promise<PgPool> {
  const where = describePostgresUrl(url);
  const pool = createPgPool(url);
  try {
    const client = await pool.connect();
    try {
      await migrate(client, where);
    } finally {
      client.release();
    }
    return pool;
  } catch (err) {
    await pool.end().catch(() => {});
    if (err instanceof AgentDeskError) throw err;
    throw new AgentDeskError('SERVER_DURABLE_STORE_UNREACHABLE', `The PostgreSQL database ${where} cannot be used (${reason(err)}).`, { cause: err });
  }
}

/** Runs `work` in one transaction on one pooled connection. */
export async function inTransaction<T>(pool: PgPool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
