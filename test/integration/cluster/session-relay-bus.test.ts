// The cross-node relay over a real Redis: page frames and control text between two nodes' links,
// per session, in order, byte for byte (every byte value, large frames), and nothing once a node
// stops listening.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connectRedis, type RedisLink } from '../../../server/cluster/redis-link.js';
import { SessionRelayBus, type TunnelMessage } from '../../../server/cluster/session-relay-bus.js';
import { capturedLogger } from '../server/net-helpers/captured-logger.js';
import { missingBinaries } from './helpers/binaries.js';
import { sleep, waitUntil } from './helpers/child-processes.js';
import { startRedis, type RedisServer } from './helpers/redis-server.js';

const CONN = '0123456789abcdef0123456789abcdef';

describe('cross-node relay bus', { skip: missingBinaries(['redis-server']) }, () => {
  let redis: RedisServer;
  let links: RedisLink[];
  let customerNode: SessionRelayBus;
  let agentNode: SessionRelayBus;
  before(async () => {
    redis = await startRedis();
    const log = capturedLogger();
    links = await Promise.all([connectRedis(redis.url, log.logger), connectRedis(redis.url, log.logger)]);
    customerNode = new SessionRelayBus(links[0]!, log.logger);
    agentNode = new SessionRelayBus(links[1]!, log.logger);
  });
  after(async () => {
    for (const link of links ?? []) await link.close();
    await redis?.stop();
  });

  it('page frames reach the other node in order, byte for byte; control text both ways', async () => {
    const toAgent: TunnelMessage[] = [];
    const toCustomer: TunnelMessage[] = [];
    await agentNode.listen('s-1', (m) => toAgent.push(m));
    await customerNode.listen('s-1', (m) => toCustomer.push(m));
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const frames = [everyByte, randomBytes(512 * 1024), ...Array.from({ length: 500 }, (_, i) => Buffer.from([1, ...Buffer.from(`frame ${i}`)]))];
    for (const frame of frames) void customerNode.send('s-1', 'edge', 'binary', CONN, frame);
    await agentNode.send('s-1', 'home', 'text', CONN, JSON.stringify({ type: 'control', state: 'requested' }));
    await waitUntil('all frames delivered', () => toAgent.filter((m) => m.to === 'edge').length === frames.length, 10_000);
    const mine = toAgent.filter((m) => m.to === 'edge');
    assert.equal(mine.length, frames.length);
    mine.forEach((m, i) => {
      assert.equal(m.op, 'binary');
      assert.equal(m.conn, CONN);
      assert.ok(m.payload.equals(frames[i]!), `frame ${i} intact and in order`);
    });
    await waitUntil('control text delivered', () => toCustomer.some((m) => m.to === 'home'), 5_000);
    const control = toCustomer.find((m) => m.to === 'home')!;
    assert.equal(control.op, 'text');
    assert.deepEqual(JSON.parse(control.payload.toString('utf8')), { type: 'control', state: 'requested' });
  });

  it('sessions are separate channels; a node that stops listening hears nothing more', async () => {
    const heard: TunnelMessage[] = [];
    await agentNode.listen('s-2', (m) => heard.push(m));
    assert.equal(await customerNode.send('s-3', 'edge', 'binary', CONN, Buffer.from([1, 2])), false, 'nobody listens to s-3');
    assert.equal(await customerNode.send('s-2', 'edge', 'binary', CONN, Buffer.from([1, 9])), true);
    await waitUntil('s-2 frame', () => heard.length === 1, 5_000);
    await agentNode.stop('s-2');
    assert.equal(await customerNode.send('s-2', 'edge', 'binary', CONN, Buffer.from([1, 10])), false);
    await sleep(100);
    assert.equal(heard.length, 1);
    assert.ok(heard.every((m) => m.sessionId === 's-2'));
  });

  it('publishing while Redis is away fails at once (the caller drops the frame); listening resumes after a restart', async () => {
    const heard: TunnelMessage[] = [];
    await agentNode.listen('s-4', (m) => heard.push(m));
    await redis.stop();
    await waitUntil('links see Redis gone', () => !links[0]!.ready(), 5_000);
    await assert.rejects(customerNode.send('s-4', 'edge', 'binary', CONN, Buffer.from([1, 1])));
    await redis.start();
    await waitUntil('links back', () => links.every((l) => l.ready()), 10_000, 50);
    await waitUntil('the resubscribed channel hears frames again', async () => {
      await customerNode.send('s-4', 'edge', 'binary', CONN, Buffer.from([1, 2]));
      return heard.length > 0;
    }, 5_000, 100);
    assert.deepEqual([...heard[0]!.payload], [1, 2]);
  });
});
