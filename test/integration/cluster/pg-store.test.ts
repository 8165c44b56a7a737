// The PostgreSQL durable store of a cluster, against a real PostgreSQL 15: schema migrations shared
// by nodes starting together, slave.password sealed with AES-128-GCM under each node's key file
// (the key never in the database), the admin key's digest, and an audit trail that keeps relaying
// sessions free of database waits: queued while PostgreSQL is down, bounded, written once it is back.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AgentDeskError } from '../../../common/errors.js';
import { MetricsRegistry } from '../../../server/metrics/net-metrics.js';
import { PgAdminKeyStore } from '../../../server/store/postgres/pg-admin-key-store.js';
import { PgAuditStore } from '../../../server/store/postgres/pg-audit-store.js';
import { openPostgres, PG_SCHEMA_VERSION, type PgPool } from '../../../server/store/postgres/pg-database.js';
import { PgOptionsStore } from '../../../server/store/postgres/pg-options-store.js';
import { filesContaining } from '../server/helpers/server-process.js';
import { capturedLogger } from '../server/net-helpers/captured-logger.js';
import { missingBinaries } from './helpers/binaries.js';
import { waitUntil } from './helpers/child-processes.js';
import { startPostgres, type PostgresServer } from './helpers/postgres-server.js';

const TOKEN_A = '12345678901234567890123456';
const TOKEN_B = '98765432109876543210987654';
const ADMIN_KEY = 'k'.repeat(20) + '-admin-key-0123456789';

describe('PostgreSQL durable store', { skip: missingBinaries(['initdb', 'pg_ctl']) }, () => {
  let postgres: PostgresServer;
  let dir: string;
  const pools: PgPool[] = [];
  const open = async (url: string): Promise<PgPool> => {
    const pool = await openPostgres(url);
    pools.push(pool);
    return pool;
  };
  before(async () => {
    postgres = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'agentdesk-pgstore-'));
  });
  after(async () => {
    for (const pool of pools) await pool.end().catch(() => {});
    postgres?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates once when several nodes start together, and refuses a newer schema', async () => {
    const url = await postgres.createDatabase();
    const nodes = await Promise.all([open(url), open(url), open(url)]);
    const { rows } = await nodes[0]!.query<{ version: number }>('SELECT version FROM agentdesk_schema');
    assert.deepEqual(rows, [{ version: PG_SCHEMA_VERSION }], 'one schema row, whoever won the lock');
    await nodes[0]!.query('UPDATE agentdesk_schema SET version = 99');
    await assert.rejects(openPostgres(url), (err: unknown) => err instanceof AgentDeskError && err.code === 'SERVER_DATA_DIR_UNUSABLE' && /schema 99/.test(err.message));
  });

  it('an unreachable database is a clear error naming it without the password', async () => {
    await assert.rejects(openPostgres('postgres://agentdesk:s3cret-pw@127.0.0.1:1/nowhere'), (err: unknown) => {
      assert.ok(err instanceof AgentDeskError);
      assert.equal(err.code, 'SERVER_DURABLE_STORE_UNREACHABLE');
      assert.match(err.message, /127\.0\.0\.1:1\/nowhere/);
      assert.doesNotMatch(err.message, /s3cret-pw/);
      return true;
    });
  });

  it('slave.password set on one node reads on another with a copy of the key file; never in the database', async () => {
    const url = await postgres.createDatabase();
    const keyA = join(dir, 'a.key');
    const keyB = join(dir, 'b.key');
    const nodeA = await PgOptionsStore.open({ pool: await open(url), keyFile: keyA, create: true });
    copyFileSync(keyA, keyB);
    const nodeB = await PgOptionsStore.open({ pool: await open(url), keyFile: keyB, create: false });
    assert.deepEqual(await nodeB.readAgentToken(), { current: null, previous: null });
    await nodeA.setAgentToken(TOKEN_A);
    assert.equal((await nodeB.readAgentToken()).current, TOKEN_A);
    const { previousValidUntil } = await nodeB.setAgentToken(TOKEN_B, { graceSeconds: 60 });
    assert.ok(previousValidUntil !== null && previousValidUntil > Date.now());
    assert.deepEqual(await nodeA.readAgentToken(), { current: TOKEN_B, previous: { token: TOKEN_A, validUntil: previousValidUntil } });
    assert.deepEqual(await nodeA.readAgentToken(previousValidUntil + 1), { current: TOKEN_B, previous: null }, 'the grace ends');

    // Every byte PostgreSQL wrote (after a checkpoint) is free of both tokens.
    const pool = pools.at(-1)!;
    await pool.query('CHECKPOINT');
    const dataDir = postgres.dataDir;
    assert.deepEqual(filesContaining(dataDir, TOKEN_A), []);
    assert.deepEqual(filesContaining(dataDir, TOKEN_B), []);
    const { rows } = await pool.query<{ name: string; ciphertext: Buffer }>('SELECT name, ciphertext FROM options ORDER BY name');
    assert.deepEqual(rows.map((r) => r.name), ['slave.password', 'slave.password#previous']);

    // A row copied onto the other name fails authentication (the AAD binds the name).
    await pool.query(`UPDATE options SET (key_id, iv, tag, ciphertext) = (SELECT key_id, iv, tag, ciphertext FROM options WHERE name = 'slave.password#previous') WHERE name = 'slave.password'`);
    await assert.rejects(nodeA.readAgentToken(), (err: unknown) => err instanceof AgentDeskError && err.code === 'SERVER_OPTION_UNREADABLE');
    assert.equal(await nodeA.clearAgentToken(), true);
    assert.equal(await nodeB.hasAgentToken(), false);
  });

  it('a node without the key file refuses to start while the database holds options', async () => {
    const url = await postgres.createDatabase();
    const pool = await open(url);
    const store = await PgOptionsStore.open({ pool, keyFile: join(dir, 'c.key'), create: true });
    await store.setAgentToken(TOKEN_A);
    await assert.rejects(PgOptionsStore.open({ pool, keyFile: join(dir, 'missing.key'), create: true }), (err: unknown) => err instanceof AgentDeskError && err.code === 'SERVER_KEY_FILE_MISSING');
  });

  it('the admin key digest is shared; each node verifies against what it loaded', async () => {
    const url = await postgres.createDatabase();
    const a = new PgAdminKeyStore(await open(url));
    const b = new PgAdminKeyStore(await open(url));
    await b.reload();
    assert.equal(b.verify(ADMIN_KEY), 'not-configured');
    await a.set(ADMIN_KEY);
    await b.reload();
    assert.equal(b.verify(ADMIN_KEY), 'ok');
    assert.equal(b.verify(`${ADMIN_KEY}x`), 'invalid');
    const { rows } = await pools.at(-1)!.query<{ digest: Buffer }>('SELECT digest FROM admin_credentials');
    assert.equal(rows.length, 1);
    assert.ok(!rows[0]!.digest.toString('latin1').includes(ADMIN_KEY));
    assert.equal(await a.clear(), true);
    await b.reload();
    assert.equal(b.verify(ADMIN_KEY), 'not-configured');
  });

  it('audit: one history from two nodes; queued while PostgreSQL is down, written once it is back', async () => {
    const url = await postgres.createDatabase();
    const log = capturedLogger();
    const nodeA = new PgAuditStore({ pool: await open(url), logger: log.logger, node: 'a' });
    const nodeB = new PgAuditStore({ pool: await open(url), logger: log.logger, node: 'b' });
    const id = 'c0ffee00-0000-4000-8000-000000000001';
    const t0 = Date.now();
    nodeA.record(id, { kind: 'session-start', customerOrigin: 'https://shop.example' }, t0);
    nodeA.record(id, { kind: 'agent-join', sub: 'agent-1', email: 'a@example.com', agentAuth: 'token' }, t0 + 1);
    assert.ok(await nodeA.flush());

    postgres.stop();
    nodeB.record(id, { kind: 'agent-resume', sub: 'agent-1' }, t0 + 2);
    nodeB.record(id, { kind: 'action', actionId: 1, action: 'click', nodeId: 7 }, t0 + 3);
    nodeB.record(id, { kind: 'end', reason: 'agent-left' }, t0 + 4);
    await waitUntil('a failed write', () => nodeB.stats().failedWrites > 0, 10_000);
    assert.equal(nodeB.stats().queued, 3);
    await assert.rejects(Promise.resolve(nodeA.history(id, 100)));

    postgres.start();
    await waitUntil('queue written after PostgreSQL is back', () => nodeB.stats().queued === 0, 15_000);
    const history = await nodeA.history(id, 100);
    assert.ok(history);
    assert.deepEqual(history.events.map((e) => e.kind), ['session-start', 'agent-join', 'agent-resume', 'action', 'end']);
    assert.equal(history.endReason, 'agent-left');
    assert.deepEqual(history.actions.map((a) => a.actionId), [1]);
    await nodeA.close();
    await nodeB.close();
  });

  it('audit: a full queue drops new events, counts them in /metrics and logs once', async () => {
    const url = await postgres.createDatabase();
    const log = capturedLogger();
    const store = new PgAuditStore({ pool: await open(url), logger: log.logger, node: 'a', maxQueued: 3 });
    const registry = new MetricsRegistry();
    store.registerMetrics(registry);
    postgres.stop();
    try {
      for (let i = 0; i < 10; i++) store.record('s-drop', { kind: 'customer-away' });
      assert.equal(store.stats().dropped, 7);
      assert.match(registry.render(), /^agentdesk_audit_dropped_total 7$/m);
      const dropLines = log.lines().filter((l) => l.code === 'AUDIT_EVENTS_DROPPED');
      assert.equal(dropLines.length, 1, 'one log line per window, not one per event');
      assert.equal(dropLines[0]!.level, 50);
    } finally {
      postgres.start();
    }
    await waitUntil('the kept events are written', () => store.stats().written === 3, 15_000);
    await store.close();
  });
});
