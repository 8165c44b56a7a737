import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AdminKeyStore, adminKeyProblem } from '../../../../server/store/admin-key-store.js';
import { AuditStore } from '../../../../server/store/audit-store.js';
import { databasePath } from '../../../../server/store/open-database.js';

const KEY = 'Zk3-very.long_random~administrator-key-0001';

describe('audit trail in the data dir database', () => {
  it("stores rows per session and reads them back as a history, in order", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentdesk-audit-'));
    try {
      const store = AuditStore.open(dir);
      store.record('s-1', { kind: 'session-start', customerOrigin: 'https://shop.test' }, Date.UTC(2026, 0, 1, 10));
      store.record('s-2', { kind: 'session-start', customerOrigin: null }, Date.UTC(2026, 0, 1, 10));
      store.record('s-1', { kind: 'agent-join', sub: 'agent-7', email: 'a@x.test', agentAuth: 'token' }, Date.UTC(2026, 0, 1, 10, 1));
      store.record('s-1', { kind: 'page', url: 'https://shop.test/claim', title: 'Claim' }, Date.UTC(2026, 0, 1, 10, 2));
      store.record('s-1', { kind: 'end', reason: 'customer-unreachable' }, Date.UTC(2026, 0, 1, 10, 3));
      const h = (await store.history('s-1', 100))!;
      assert.equal(h.startedAt, '2026-01-01T10:00:00.000Z');
      assert.deepEqual(h.agents, [{ sub: 'agent-7', email: 'a@x.test', joinedAt: '2026-01-01T10:01:00.000Z' }]);
      assert.deepEqual(h.pages, [{ url: 'https://shop.test/claim', title: 'Claim', at: '2026-01-01T10:02:00.000Z' }]);
      assert.equal(h.endReason, 'customer-unreachable');
      assert.equal(h.events.length, 4, 'the other session is not mixed in');
      assert.equal(h.eventsOmitted, 0);
      assert.equal(await store.history('s-unknown', 100), null);
      const capped = (await store.history('s-1', 2))!;
      assert.deepEqual(capped.events.map((e) => e.kind), ['session-start', 'agent-join', 'end'], 'the read is capped, and the end is always shown');
      assert.equal(capped.eventsOmitted, 1, 'and says how many rows were left out');
      assert.equal(capped.endReason, 'customer-unreachable');
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates a schema-1 database (options only) without touching its rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentdesk-audit-'));
    try {
      const old = new Database(databasePath(dir));
      old.exec('CREATE TABLE options (name TEXT PRIMARY KEY NOT NULL, key_id TEXT NOT NULL, iv BLOB NOT NULL, tag BLOB NOT NULL, ciphertext BLOB NOT NULL, valid_until INTEGER, updated_at INTEGER NOT NULL) STRICT;');
      old.prepare('INSERT INTO options VALUES (?, ?, ?, ?, ?, NULL, 1)').run('slave.password', 'k1', Buffer.alloc(12), Buffer.alloc(16), Buffer.alloc(26));
      old.pragma('user_version = 1');
      old.close();
      const store = AuditStore.open(dir);
      store.record('s', { kind: 'customer-away' });
      store.close();
      const db = new Database(databasePath(dir), { readonly: true });
      assert.equal(db.pragma('user_version', { simple: true }), 2);
      assert.equal((db.prepare('SELECT count(*) AS n FROM options').get() as { n: number }).n, 1);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('administrator key', () => {
  it('is verified against a salted digest; the key itself is in no file of the data dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentdesk-admin-'));
    try {
      const store = AdminKeyStore.open(dir, true);
      assert.equal(store.verify(KEY), 'not-configured');
      store.set(KEY);
      assert.equal(store.verify(KEY), 'ok');
      assert.equal(store.verify(`${KEY}x`), 'invalid');
      assert.equal(store.verify(''), 'invalid');
      store.close();
      for (const name of readdirSync(dir)) {
        assert.ok(!readFileSync(join(dir, name)).includes(Buffer.from(KEY)), `${name} does not hold the key`);
      }
      const again = AdminKeyStore.open(dir, false);
      assert.equal(again.isSet(), true);
      assert.equal(again.clear(), true);
      assert.equal(again.verify(KEY), 'not-configured');
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('must be long and from a safe alphabet; the message never echoes it', () => {
    assert.equal(adminKeyProblem(KEY), null);
    assert.match(adminKeyProblem('short')!, /32 to 128 characters; it has 5/);
    const spaced = `${'a'.repeat(20)} ${'b'.repeat(20)}`;
    assert.ok(!adminKeyProblem(spaced)!.includes(spaced));
    assert.throws(() => AdminKeyStore.inMemory().set('short'), { code: 'SERVER_ADMIN_KEY_INVALID' });
  });
});
