// This node's two connections to the cluster's Redis (ioredis): one for commands, one held in
// subscriber mode for pub/sub. Both reconnect by themselves forever; `ready()` says whether
// commands can run now, which /readyz and new-session admission read. Commands fail at once while
// Redis is away (no offline queue), so a node never piles up work for a Redis that is gone.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AgentDeskError } from '../../common/errors.js';
import { REDIS_COMMAND_TIMEOUT_MS, REDIS_CONNECT_TIMEOUT_MS, REDIS_RECONNECT_MAX_MS, REDIS_RECONNECT_MIN_MS } from './cluster-limits.js';

export interface RedisLink {
  readonly command: Redis;
  readonly subscriber: Redis;
  /** True while both connections are up. */
  ready(): boolean;
  /** Called on every transition (lost / back). Returns unsubscribe. */
  onReadyChange(listener: (ready: boolean) => void): () => void;
  close(): Promise<void>;
}

/** host:port of the Redis URL for messages: never the password. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
  } catch {
    return 'the configured Redis URL';
  }
}

function client(url: string, offlineQueue: boolean): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: offlineQueue,
    maxRetriesPerRequest: 1,
    commandTimeout: offlineQueue ? undefined : REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    autoResubscribe: true,
    retryStrategy: (times) => Math.min(REDIS_RECONNECT_MIN_MS * times, REDIS_RECONNECT_MAX_MS),
  });
}

/** Connects both clients; a Redis unreachable at start is SERVER_CLUSTER_UNAVAILABLE (exit 78). */
export async function connectRedis(url: string, logger: Logger): Promise<RedisLink> {
  const where = describeRedisUrl(url);
  const command = client(url, false);
  // The subscriber keeps its SUBSCRIBE commands queued while away and replays them on reconnect.
  const subscriber = client(url, true);
  const listeners = new Set<(ready: boolean) => void>();
  let wasReady = false;
  const ready = (): boolean => command.status === 'ready' && subscriber.status === 'ready';
  const check = (): void => {
    const now = ready();
    if (now === wasReady) return;
    wasReady = now;
    if (now) logger.info({ redis: where }, 'Redis link up');
    else logger.error({ code: 'SERVER_CLUSTER_UNAVAILABLE', redis: where }, 'Redis link lost; new sessions are refused until it is back');
    for (const listener of listeners) listener(now);
  };
  for (const c of [command, subscriber]) {
    // Errors surface as status changes; logging each retry's error would flood the log.
    c.on('error', () => {});
    for (const event of ['ready', 'close', 'end', 'reconnecting']) c.on(event, check);
  }
  try {
    await Promise.all([command.connect(), subscriber.connect()]);
  } catch (err) {
    command.disconnect();
    subscriber.disconnect();
    throw new AgentDeskError('SERVER_CLUSTER_UNAVAILABLE', `Redis at ${where} cannot be reached (${err instanceof Error ? err.message : 'error'}).`, { cause: err });
  }
  check();
  return {
    command,
    subscriber,
    ready,
    onReadyChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await Promise.allSettled([command.quit(), subscriber.quit()]);
      command.disconnect();
      subscriber.disconnect();
    },
  };
}
