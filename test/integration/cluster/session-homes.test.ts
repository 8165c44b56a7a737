// The cluster's index of where sessions run, in a real Redis: each node draws 9-digit codes on its
// own, so the index must refuse a code that already names a live session on another node (else an
// agent typing one customer's code could be taken to another customer's page).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { connectRedis, type RedisLink } from '../../../server/cluster/redis-link.js';
import { SessionHomes } from '../../../server/cluster/session-homes.js';
import { missingBinaries } from './helpers/binaries.js';
import { startRedis, type RedisServer } from './helpers/redis-server.js';

const TTL_MS = 20 * 60_000;

describe('session homes in Redis', { skip: missingBinaries(['redis-server']) }, () => {
  let redis: RedisServer;
  let links: RedisLink[] = [];
  before(async () => {
    redis = await startRedis();
    links = await Promise.all([connectRedis(redis.url, pino({ level: 'silent' })), connectRedis(redis.url, pino({ level: 'silent' }))]);
  });
  after(async () => {
    await Promise.all(links.map((l) => l.close()));
    await redis?.stop();
  });

  it('a code live on one node is refused to another; the first session keeps it', async () => {
    const [n1, n2] = links.map((l) => new SessionHomes(l)) as [SessionHomes, SessionHomes];
    assert.equal(await n1.created('session-a', '123456789', 'node-1', TTL_MS), true);
    assert.equal(await n2.created('session-b', '123456789', 'node-2', TTL_MS), false, 'the same code drawn on node 2');
    assert.equal(await n2.sessionOfCode('123456789'), 'session-a');
    assert.equal(await n2.homeOf('session-a'), 'node-1');
    assert.equal(await n1.homeOf('session-b'), null, 'nothing written for the refused session');
    assert.equal(await n2.created('session-b', '987654321', 'node-2', TTL_MS), true, 'another code is taken');
    assert.equal(await n1.sessionOfCode('987654321'), 'session-b');
    assert.equal(await n1.homeOf('session-b'), 'node-2');
  });
});
