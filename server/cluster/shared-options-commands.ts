// `agentdesk-server options set|get|clear` when the options live in PostgreSQL: the same rules as
// on SQLite, and after a change a Redis notification so every node applies it within a second
// (a node that misses it picks the change up by its backstop poll, so a failed publish only warns).
import type { OptionName } from '../store/agent-token-option.js';
import { ADMIN_KEY_OPTION } from '../store/admin-key-store.js';
import { PgAdminKeyStore } from '../store/postgres/pg-admin-key-store.js';
import { openPostgres } from '../store/postgres/pg-database.js';
import { PgOptionsStore } from '../store/postgres/pg-options-store.js';
import type { SetAgentTokenResult } from '../store/options-store.js';
import type { AgentTokenState } from '../types.js';
import type { ClusterConfig } from './cluster-config.js';
import { OPTIONS_POLL_INTERVAL_MS } from './cluster-limits.js';
import { publishOptionChange } from './option-change-bus.js';
import { describeRedisUrl } from './redis-link.js';
import { Redis } from 'ioredis';

export interface SharedOptions {
  setAgentToken(value: string, graceSeconds: number): Promise<SetAgentTokenResult>;
  readAgentToken(): Promise<AgentTokenState>;
  clearAgentToken(): Promise<boolean>;
  setAdminKey(key: string): Promise<void>;
  adminKeyIsSet(): Promise<boolean>;
  clearAdminKey(): Promise<boolean>;
  close(): Promise<void>;
}

/** Tells the nodes; returns a warning line when Redis could not be told. */
async function notify(cluster: ClusterConfig, option: OptionName): Promise<string | null> {
  if (cluster.redisUrl === null) return null;
  const redis = new Redis(cluster.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 2_000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await publishOptionChange(redis, option);
    return null;
  } catch {
    return `warning: could not notify the nodes through Redis at ${describeRedisUrl(cluster.redisUrl)}; they apply the change within ${OPTIONS_POLL_INTERVAL_MS / 1000} s`;
  } finally {
    redis.disconnect();
  }
}

export async function openSharedOptions(cluster: ClusterConfig & { readonly postgresUrl: string }, keyFile: string, create: boolean, warn: (line: string) => void): Promise<SharedOptions> {
  const pool = await openPostgres(cluster.postgresUrl);
  try {
    const options = await PgOptionsStore.open({ pool, keyFile, create });
    const adminKeys = new PgAdminKeyStore(pool);
    const told = async <T>(option: OptionName, result: T): Promise<T> => {
      const warning = await notify(cluster, option);
      if (warning) warn(warning);
      return result;
    };
    return {
      setAgentToken: async (value, graceSeconds) => told('slave.password', await options.setAgentToken(value, { graceSeconds })),
      readAgentToken: () => options.readAgentToken(),
      clearAgentToken: async () => told('slave.password', await options.clearAgentToken()),
      setAdminKey: async (key) => told(ADMIN_KEY_OPTION, await adminKeys.set(key)),
      adminKeyIsSet: () => adminKeys.isSet(),
      clearAdminKey: async () => told(ADMIN_KEY_OPTION, await adminKeys.clear()),
      close: () => pool.end(),
    };
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
}
