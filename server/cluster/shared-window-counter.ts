// Fixed-window counters shared by every node (lockout and rate limits hold across the cluster).
// The limits read counts synchronously on the handshake path, so each node keeps a copy: `add`
// counts locally at once and runs INCR (+ PEXPIRE on the first event) in Redis, whose script also
// publishes the new cluster-wide count; every node's copy takes the highest count it has heard.
// A count is therefore shared within one Redis round trip. While Redis is away each node still
// counts on its own (limits per node, never none) and the shared counts resume when it is back.
import type { Logger } from 'pino';
import type { Clock } from '../policy/clock.js';
import { SHARED_COUNTER_MAX_KEYS } from './cluster-limits.js';
import type { RedisLink } from './redis-link.js';

export const COUNTERS_CHANNEL = 'agentdesk:counters';

// KEYS: counter key. ARGV: windowMs, channel, name, key. Returns {count, pttl}.
const ADD = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('PUBLISH', ARGV[2], cjson.encode({ARGV[3], ARGV[4], n, ttl}))
return {n, ttl}
`;

interface Entry {
  count: number;
  resetAt: number;
}

export class SharedWindowCounter {
  readonly #name: string;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #link: RedisLink;
  readonly #logger: Logger;
  readonly #entries = new Map<string, Entry>();
  readonly #onMessage: (channel: string, message: string) => void;

  /** `name` tells this counter's keys apart from other counters' (e.g. "auth-failures"). */
  constructor(name: string, windowMs: number, clock: Clock, link: RedisLink, logger: Logger) {
    this.#name = name;
    this.#windowMs = windowMs;
    this.#clock = clock;
    this.#link = link;
    this.#logger = logger;
    this.#onMessage = (channel, message) => {
      if (channel !== COUNTERS_CHANNEL) return;
      try {
        const [name, key, count, ttl] = JSON.parse(message) as [string, string, number, number];
        if (name === this.#name && typeof key === 'string' && Number.isFinite(count) && Number.isFinite(ttl)) this.#heard(key, count, ttl);
      } catch {
        // Not ours to judge: another version's message.
      }
    };
    link.subscriber.on('message', this.#onMessage);
  }

  /** Subscribes this node to the counters channel (once per link is enough; repeats are harmless). */
  static async start(link: RedisLink): Promise<void> {
    await link.subscriber.subscribe(COUNTERS_CHANNEL);
  }

  count(key: string): number {
    return this.#entry(key)?.count ?? 0;
  }

  add(key: string): number {
    const now = this.#clock();
    let entry = this.#entry(key);
    if (!entry) {
      if (this.#entries.size >= SHARED_COUNTER_MAX_KEYS) this.#entries.delete(this.#entries.keys().next().value!);
      entry = { count: 0, resetAt: now + this.#windowMs };
      this.#entries.set(key, entry);
    }
    entry.count += 1;
    if (this.#link.ready()) {
      this.#link.command
        .eval(ADD, 1, `agentdesk:win:${this.#name}:${key}`, this.#windowMs, COUNTERS_CHANNEL, this.#name, key)
        .then((reply) => {
          const [count, ttl] = reply as [number, number];
          this.#heard(key, count, ttl);
        })
        .catch((err: unknown) => this.#logger.debug({ counter: this.#name, err: err instanceof Error ? err.message : String(err) }, 'shared counter not updated in Redis'));
    }
    return entry.count;
  }

  msUntilReset(key: string): number {
    const entry = this.#entry(key);
    return entry ? Math.max(0, entry.resetAt - this.#clock()) : 0;
  }

  /** Forgets the key here and in Redis (used when a connection closes). */
  delete(key: string): void {
    this.#entries.delete(key);
    if (this.#link.ready()) void this.#link.command.del(`agentdesk:win:${this.#name}:${key}`).catch(() => {});
  }

  close(): void {
    this.#link.subscriber.off('message', this.#onMessage);
    this.#entries.clear();
  }

  #heard(key: string, count: number, ttl: number): void {
    if (ttl < 0) return;
    const resetAt = this.#clock() + ttl;
    const entry = this.#entry(key);
    if (!entry) {
      if (this.#entries.size >= SHARED_COUNTER_MAX_KEYS) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(key, { count, resetAt });
      return;
    }
    if (count >= entry.count) {
      entry.count = count;
      entry.resetAt = resetAt;
    }
  }

  #entry(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && this.#clock() >= entry.resetAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
