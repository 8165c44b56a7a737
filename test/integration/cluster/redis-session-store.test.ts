// Live sessions in a real Redis, as every node of a cluster sees them: a code created through one
// node's store is spent exactly once when nodes race for it, resume digests and node holdings move
// with updates, unjoined sessions expire to exactly one node, and keys go away by themselves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { matchesDigest } from '../../../server/policy/secret-digest.js';
import { KEY_PREFIX, RedisSessionStore } from '../../../server/cluster/redis-session-store.js';
import { missingBinaries } from './helpers/binaries.js';
import { sleep } from './helpers/child-processes.js';
import { startRedis, type RedisServer } from './helpers/redis-server.js';

const LIMITS = { sessionUnjoinedTtlMs: 20 * 60_000, sessionTombstoneMs: 60 * 60_000, maxLiveSessions: 50 };

describe('Redis session store', { skip: missingBinaries(['redis-server']) }, () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  const clock = { now: Date.now() };
  const node = (limits = LIMITS, liveTtlMs?: number): RedisSessionStore => {
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    clients.push(client);
    return new RedisSessionStore(client, limits, () => clock.now, liveTtlMs);
  };
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
  });

  it('a code created on one node is joined on another, once, however many nodes race for it', async () => {
    const [a, b, c] = [node(), node(), node()];
    const created = await a.create('https://shop.example.test');
    assert.ok(created.ok);
    assert.match(created.session.code, /^\d{9}$/);
    const found = await b.findById(created.session.id);
    assert.ok(found && matchesDigest(created.customerSecret, found.secretDigest), 'the secret digest is shared, never the secret');
    assert.equal(found.customerOrigin, 'https://shop.example.test');
    const outcomes = await Promise.all([a, b, c, b, c].map((n) => n.findByCode(created.session.code)));
    assert.equal(outcomes.filter((o) => o.ok).length, 1, 'exactly one join wins');
    assert.deepEqual(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.code), ['SESSION_CODE_USED', 'SESSION_CODE_USED', 'SESSION_CODE_USED', 'SESSION_CODE_USED']);
    assert.equal((await c.findById(created.session.id))?.joined, true);
    assert.deepEqual(await c.findByCode('000000000'), { ok: false, code: 'SESSION_CODE_UNKNOWN' });
  });

  it('control, page, resume digest and which node holds each side are shared; a replaced digest finds nothing', async () => {
    const [a, b] = [node(), node()];
    const created = await a.create(null);
    assert.ok(created.ok);
    const { id, code } = created.session;
    assert.ok((await b.findByCode(code)).ok);
    await b.update(id, { control: 'granted', agentSub: 'agent-1', resumeDigest: 'aa'.repeat(32), agentNode: 'n2', customerNode: 'n1', page: { url: 'https://x.test/a', title: 'A' } });
    const seen = await a.findByResumeDigest('aa'.repeat(32));
    assert.ok(seen);
    assert.deepEqual(
      { control: seen.control, agentSub: seen.agentSub, agentNode: seen.agentNode, customerNode: seen.customerNode, page: seen.page },
      { control: 'granted', agentSub: 'agent-1', agentNode: 'n2', customerNode: 'n1', page: { url: 'https://x.test/a', title: 'A' } },
    );
    await a.update(id, { resumeDigest: 'bb'.repeat(32), agentNode: null });
    assert.equal(await b.findByResumeDigest('aa'.repeat(32)), undefined, 'a used resume token finds nothing');
    assert.equal((await b.findByResumeDigest('bb'.repeat(32)))?.agentNode, null);
    await b.remove(id);
    assert.equal(await a.findById(id), undefined);
    assert.equal(await a.findByResumeDigest('bb'.repeat(32)), undefined);
    await a.update(id, { control: 'none' });
    assert.equal(await a.findById(id), undefined, 'updating a removed session does nothing');
  });

  it('unjoined sessions expire to exactly one node; their code then answers expired', async () => {
    const [a, b] = [node(), node()];
    const created = await a.create(null);
    assert.ok(created.ok);
    clock.now += LIMITS.sessionUnjoinedTtlMs + 1;
    try {
      assert.equal(await b.findById(created.session.id), undefined, 'an unjoined session past its TTL is not live');
      assert.deepEqual(await b.findByCode(created.session.code), { ok: false, code: 'SESSION_CODE_EXPIRED' });
      const [fromA, fromB] = await Promise.all([a.expire(), b.expire()]);
      assert.deepEqual([...fromA, ...fromB].map((s) => s.id).filter((x) => x === created.session.id), [created.session.id]);
      await a.remove(created.session.id);
      assert.deepEqual(await b.findByCode(created.session.code), { ok: false, code: 'SESSION_CODE_EXPIRED' });
    } finally {
      clock.now -= LIMITS.sessionUnjoinedTtlMs + 1;
    }
  });

  it('capacity is cluster-wide', async () => {
    await redis.stop();
    await redis.start();
    const limits = { ...LIMITS, maxLiveSessions: 3 };
    const [a, b] = [node(limits), node(limits)];
    assert.ok((await a.create(null)).ok);
    assert.ok((await b.create(null)).ok);
    assert.ok((await a.create(null)).ok);
    assert.deepEqual(await b.create(null), { ok: false, code: 'SESSION_CAPACITY_REACHED' });
    assert.equal(await a.size(), 3);
  });

  it('keys of a session nobody touches expire by themselves; touched ones stay', async () => {
    const a = node(LIMITS, 300);
    const kept = await a.create(null);
    const dropped = await a.create(null);
    assert.ok(kept.ok && dropped.ok);
    assert.ok((await a.findByCode(kept.session.code)).ok);
    assert.ok((await a.findByCode(dropped.session.code)).ok);
    await a.update(dropped.session.id, { resumeDigest: 'cc'.repeat(32) });
    for (let i = 0; i < 4; i++) {
      await sleep(120);
      clock.now = Date.now();
      assert.equal(await a.touch([kept.session.id]), 1);
    }
    assert.ok(await a.findById(kept.session.id), 'a session its node keeps touching lives on');
    assert.equal(await a.findById(dropped.session.id), undefined, 'no sweeper: Redis dropped the key');
    const client = clients.at(-1)!;
    assert.equal(await client.exists(`${KEY_PREFIX}resume:${'cc'.repeat(32)}`), 0);
  });
});
