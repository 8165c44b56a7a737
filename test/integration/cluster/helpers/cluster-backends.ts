// What a multi-node test (and the bench's cluster part) starts before its nodes: a real Redis, a
// real PostgreSQL with a fresh database, the cluster's one config, and the options the operator
// sets once before any node runs (`options set NAME -`, the value on stdin).
import assert from 'node:assert/strict';
import type { ServerProcess } from '../../server/helpers/server-process.js';
import { clusterFixture, type ClusterFixture, type ClusterSettings } from './cluster-nodes.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';
import { startRedis, type RedisServer } from './redis-server.js';

export interface ClusterBackends {
  readonly redis: RedisServer;
  readonly postgres: PostgresServer;
  readonly cluster: ClusterFixture;
  /** kill -9 of `nodes` (those started), then Redis and PostgreSQL stopped and the files removed. */
  stop(nodes: readonly (ServerProcess | undefined)[]): Promise<void>;
}

/** `options`: option name → value, set in this order. */
export async function startClusterBackends(options: Readonly<Record<string, string>>, settings: Omit<ClusterSettings, 'redisUrl' | 'postgresUrl'> = {}): Promise<ClusterBackends> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  let cluster: ClusterFixture | undefined;
  const stopBackends = async (): Promise<void> => {
    await redis.stop();
    postgres.destroy();
    cluster?.cleanup();
  };
  try {
    cluster = clusterFixture({ ...settings, redisUrl: redis.url, postgresUrl: await postgres.createDatabase() });
    for (const [name, value] of Object.entries(options)) {
      const set = await cluster.cli(['options', 'set', name, '-'], value);
      assert.equal(set.code, 0, `options set ${name}: ${set.stderr}`);
    }
  } catch (err) {
    await stopBackends();
    throw err;
  }
  return {
    redis,
    postgres,
    cluster,
    async stop(nodes) {
      await Promise.all(nodes.map((n) => n?.stop('SIGKILL')));
      await stopBackends();
    },
  };
}
