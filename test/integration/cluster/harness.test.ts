// The cluster tests' own servers: Debian's redis-server, PostgreSQL 15 and haproxy started on
// 127.0.0.1 with free ports and temp dirs, and stopped again (a restart keeps the port).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { missingBinaries } from './helpers/binaries.js';
import { waitUntil } from './helpers/child-processes.js';
import { startHaproxy } from './helpers/haproxy.js';
import { startPostgres, type PostgresServer } from './helpers/postgres-server.js';
import { startRedis } from './helpers/redis-server.js';

describe('cluster test servers', { skip: missingBinaries(['redis-server', 'initdb', 'pg_ctl', 'haproxy']) }, () => {
  let postgres: PostgresServer;
  before(async () => {
    postgres = await startPostgres();
  });
  after(() => postgres?.destroy());

  it('redis-server answers, restarts empty on the same port', async () => {
    const redis = await startRedis();
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: true });
    try {
      await client.connect();
      await client.set('k', 'v');
      assert.equal(await client.get('k'), 'v');
      await redis.stop();
      assert.equal(redis.running, false);
      await redis.start();
      await waitUntil('client reconnected', async () => (await client.ping()) === 'PONG', 5_000);
      assert.equal(await client.get('k'), null, 'no persistence: a restarted Redis is empty');
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });

  it('PostgreSQL 15 gives each test a database, stops and starts again', async () => {
    const url = await postgres.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ v: string }>('SELECT current_setting(\'server_version\') AS v');
    assert.match(rows[0]!.v, /^15\./);
    await client.query('CREATE TABLE t (x int)');
    await client.end();
    postgres.stop();
    const refused = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    refused.on('error', () => {});
    await assert.rejects(refused.connect());
    postgres.start();
    const again = new pg.Client({ connectionString: url });
    await again.connect();
    assert.equal((await again.query('SELECT count(*)::int AS n FROM t')).rows[0].n, 0, 'data survives a stop');
    await again.end();
  });

  it('haproxy balances over ready nodes only, no stickiness', async () => {
    const servers: Server[] = [];
    const ready = new Map<string, boolean>([['a', true], ['b', true], ['c', false]]);
    const ports = new Map<string, number>();
    for (const name of ready.keys()) {
      const server = createServer((req, res) => {
        if (req.url === '/readyz') res.writeHead(ready.get(name) ? 200 : 503).end();
        else res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      ports.set(name, (server.address() as AddressInfo).port);
    }
    const lb = await startHaproxy({ backends: [...ports].map(([name, port]) => ({ name, port })), checkIntervalMs: 200 });
    try {
      const seen = async (n: number): Promise<Set<string>> => {
        const names = new Set<string>();
        for (let i = 0; i < n; i++) names.add(await (await fetch(`${lb.url}/who`)).text());
        return names;
      };
      await waitUntil('both ready nodes in the pool', async () => (await seen(4)).size === 2, 10_000, 200);
      assert.deepEqual([...(await seen(6))].sort(), ['a', 'b'], 'the node answering 503 on /readyz gets nothing');
      ready.set('a', false);
      ready.set('c', true);
      await waitUntil('pool follows /readyz', async () => [...(await seen(6))].sort().join() === 'b,c', 10_000, 200);
    } finally {
      await lb.stop();
      for (const server of servers) server.close();
    }
  });
});
