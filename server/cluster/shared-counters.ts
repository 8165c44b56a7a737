// The counter factory of a cluster node: every per-address limit (session creation, agent and
// administrator authentication failures and lockouts, join failures) counts in Redis, so a
// client meets the same limit whichever nodes the load balancer sends it to.
import type { Logger } from 'pino';
import type { Clock } from '../policy/clock.js';
import type { CounterFactory } from '../policy/window-counter.js';
import type { RedisLink } from './redis-link.js';
import { SharedWindowCounter } from './shared-window-counter.js';

export interface SharedCounters {
  readonly counters: CounterFactory;
  close(): void;
}

export function sharedCounters(link: RedisLink, clock: Clock, logger: Logger): SharedCounters {
  const made: SharedWindowCounter[] = [];
  // ioredis subscribes again by itself after a reconnect; until the first subscribe is done a
  // node hears only its own counts.
  SharedWindowCounter.start(link).catch((err: unknown) =>
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot subscribe to the shared counters; limits count on this node only until Redis is back'),
  );
  return {
    counters(name, windowMs) {
      const counter = new SharedWindowCounter(name, windowMs, clock, link, logger);
      made.push(counter);
      return counter;
    },
    close() {
      for (const counter of made) counter.close();
    },
  };
}
