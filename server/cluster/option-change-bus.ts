// "An option changed" told to every node over Redis pub/sub, so `options set` on any machine
// applies on all nodes within a second. The message names the option only; each node re-reads
// the value from PostgreSQL (the one place it lives). A node that was away from Redis may have
// missed messages, so it re-reads when the link comes back, and a slow poll backs this up.
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { OPTION_NAMES, type OptionName } from '../store/agent-token-option.js';
import type { RedisLink } from './redis-link.js';

export const OPTIONS_CHANNEL = 'agentdesk:options-changed';

function isOption(value: unknown): value is OptionName {
  return typeof value === 'string' && (OPTION_NAMES as readonly string[]).includes(value);
}

/** Publishes a change (the CLI after its PostgreSQL commit). Resolves with how many nodes heard it. */
export async function publishOptionChange(redis: Redis, option: OptionName): Promise<number> {
  return redis.publish(OPTIONS_CHANNEL, JSON.stringify({ option }));
}

/**
 * Calls `listener(option)` for every change any node or CLI publishes, and for every option when
 * the Redis link comes back (changes may have been missed). Returns unsubscribe.
 */
export async function subscribeOptionChanges(link: RedisLink, logger: Logger, listener: (option: OptionName) => void): Promise<() => void> {
  const onMessage = (channel: string, message: string): void => {
    if (channel !== OPTIONS_CHANNEL) return;
    let option: unknown;
    try {
      option = (JSON.parse(message) as { option?: unknown }).option;
    } catch {
      option = undefined;
    }
    if (isOption(option)) listener(option);
    else logger.warn({ channel }, 'ignored an unreadable option-change message');
  };
  link.subscriber.on('message', onMessage);
  await link.subscriber.subscribe(OPTIONS_CHANNEL);
  const stopReady = link.onReadyChange((ready) => {
    if (ready) for (const option of OPTION_NAMES) listener(option);
  });
  return () => {
    stopReady();
    link.subscriber.off('message', onMessage);
    void link.subscriber.unsubscribe(OPTIONS_CHANNEL).catch(() => {});
  };
}
