// What `serve` runs on in cluster mode: the PostgreSQL stores (options, admin key, audit) and,
// with Redis, the change notifications that make every node apply `options set` within a second,
// and the Redis link whose health /readyz reports. Closing stops them in reverse order.
import type { Logger } from 'pino';
import type { ErrorCode } from '../../common/errors.js';
import type { AdminKeyCheck } from '../store/admin-key-store.js';
import { ADMIN_KEY_OPTION } from '../store/admin-key-store.js';
import type { AuditLog } from '../store/audit-store.js';
import { AGENT_TOKEN_OPTION } from '../store/agent-token-option.js';
import { PgAdminKeyStore } from '../store/postgres/pg-admin-key-store.js';
import { PgAuditStore } from '../store/postgres/pg-audit-store.js';
import { describePostgresUrl, openPostgres } from '../store/postgres/pg-database.js';
import { PgOptionsStore } from '../store/postgres/pg-options-store.js';
import type { ClusterConfig } from './cluster-config.js';
import { OPTIONS_POLL_INTERVAL_MS } from './cluster-limits.js';
import { subscribeOptionChanges } from './option-change-bus.js';
import { connectRedis, describeRedisUrl, type RedisLink } from './redis-link.js';
import { startSharedAgentTokenSource, type SharedAgentTokenSource } from './shared-agent-token-source.js';

export interface SharedStores {
  readonly agentToken: SharedAgentTokenSource;
  readonly audit: AuditLog;
  readonly adminKey: AdminKeyCheck;
  /** The Redis link, when the node is part of a cluster. */
  readonly redis: RedisLink | null;
  /** Why this node cannot take new sessions now (Redis away), or null. */
  unavailable(): ErrorCode | null;
  close(): Promise<void>;
}

export async function openSharedStores(cluster: ClusterConfig & { readonly postgresUrl: string }, keyFile: string, logger: Logger): Promise<SharedStores> {
  const pool = await openPostgres(cluster.postgresUrl);
  const cleanups: (() => Promise<void> | void)[] = [() => pool.end()];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  };
  try {
    const options = await PgOptionsStore.open({ pool, keyFile, create: true });
    const adminKeys = new PgAdminKeyStore(pool);
    await adminKeys.reload();
    const agentToken = await startSharedAgentTokenSource(options, logger);
    cleanups.push(() => agentToken.close());
    const audit = new PgAuditStore({ pool, logger, node: cluster.nodeName });
    cleanups.push(() => audit.close());
    const reloadAdminKey = (): void =>
      void adminKeys.reload().catch((err: unknown) => logger.warn({ option: ADMIN_KEY_OPTION, err: err instanceof Error ? err.message : String(err) }, `cannot re-read option ${ADMIN_KEY_OPTION}; the node keeps the value it had`));
    const adminPoll = setInterval(reloadAdminKey, OPTIONS_POLL_INTERVAL_MS);
    adminPoll.unref();
    cleanups.push(() => clearInterval(adminPoll));

    let redis: RedisLink | null = null;
    if (cluster.redisUrl !== null) {
      redis = await connectRedis(cluster.redisUrl, logger);
      const link = redis;
      cleanups.push(() => link.close());
      const unsubscribe = await subscribeOptionChanges(link, logger, (option) => {
        if (option === AGENT_TOKEN_OPTION) void agentToken.refresh();
        else reloadAdminKey();
      });
      cleanups.splice(cleanups.length - 1, 0, unsubscribe);
    }
    logger.info(
      { node: cluster.nodeName, postgres: describePostgresUrl(cluster.postgresUrl), redis: cluster.redisUrl ? describeRedisUrl(cluster.redisUrl) : null },
      cluster.redisUrl ? 'cluster node: shared state in Redis and PostgreSQL' : 'durable store: PostgreSQL',
    );
    const link = redis;
    return {
      agentToken,
      audit,
      adminKey: (key) => adminKeys.verify(key),
      redis,
      unavailable: () => (link && !link.ready() ? 'SERVER_CLUSTER_UNAVAILABLE' : null),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
