// Lockout and rate counters shared across nodes through a real Redis: failures counted on one
// node count on every node within a round trip, windows end by themselves, and a node that loses
// Redis keeps limiting on its own counts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectRedis, type RedisLink } from '../../../server/cluster/redis-link.js';
import { SharedWindowCounter } from '../../../server/cluster/shared-window-counter.js';
import { capturedLogger } from '../server/net-helpers/captured-logger.js';
import { missingBinaries } from './helpers/binaries.js';
import { sleep, waitUntil } from './helpers/child-processes.js';
import { startRedis, type RedisServer } from './helpers/redis-server.js';

describe('shared window counters', { skip: missingBinaries(['redis-server']) }, () => {
  let redis: RedisServer;
  let links: RedisLink[];
  const counters: SharedWindowCounter[] = [];
  const log = capturedLogger();
  const pair = (name: string, windowMs: number): [SharedWindowCounter, SharedWindowCounter, SharedWindowCounter] => {
    const made = links.map((link) => new SharedWindowCounter(name, windowMs, Date.now, link, log.logger)) as [SharedWindowCounter, SharedWindowCounter, SharedWindowCounter];
    counters.push(...made);
    return made;
  };
  before(async () => {
    redis = await startRedis();
    links = await Promise.all([0, 1, 2].map(() => connectRedis(redis.url, log.logger)));
    await Promise.all(links.map((l) => SharedWindowCounter.start(l)));
  });
  after(async () => {
    for (const c of counters) c.close();
    for (const l of links ?? []) await l.close();
    await redis?.stop();
  });

  it('failures on one node count on every node', async () => {
    const [a, b, c] = pair('auth-failures', 60_000);
    for (let i = 0; i < 6; i++) a.add('203.0.113.9');
    await waitUntil('node b sees 6', () => b.count('203.0.113.9') === 6, 1_000, 5);
    assert.equal(b.add('203.0.113.9'), 7, 'node b adds to the shared count');
    c.add('203.0.113.9');
    await waitUntil('every node sees 8', () => [a, b, c].every((n) => n.count('203.0.113.9') === 8), 1_000, 5);
    assert.equal(a.count('198.51.100.1'), 0, 'other keys are apart');
    const left = b.msUntilReset('203.0.113.9');
    assert.ok(left > 55_000 && left <= 60_000, `window end shared (${left} ms left)`);
  });

  it('windows end by themselves, on every node and in Redis', async () => {
    const [a, b] = pair('session-creates', 250);
    a.add('k');
    a.add('k');
    await waitUntil('b sees 2', () => b.count('k') === 2, 1_000, 5);
    await sleep(300);
    assert.equal(a.count('k'), 0);
    assert.equal(b.count('k'), 0);
    assert.equal(b.add('k'), 1, 'a new window starts');
    await waitUntil('a new window, shared', () => a.count('k') === 1, 1_000, 5);
  });

  it('without Redis a node keeps counting on its own; sharing resumes when Redis is back', async () => {
    const [a, b] = pair('join-failures', 60_000);
    await redis.stop();
    await waitUntil('links see Redis gone', () => links.every((l) => !l.ready()), 5_000);
    assert.equal(a.add('x'), 1);
    assert.equal(a.add('x'), 2);
    assert.equal(a.count('x'), 2, 'the local count still limits');
    assert.equal(b.count('x'), 0);
    await redis.start();
    await waitUntil('links back', () => links.every((l) => l.ready()), 10_000, 50);
    a.add('y');
    await waitUntil('sharing resumed', () => b.count('y') === 1, 2_000, 10);
  });
});
