// The running server's live view of slave.password. Another process (the CLI) writes the same
// database; SQLite's `PRAGMA data_version` tells this connection when anyone else committed, so a
// cheap poll finds changes within one second without a restart. The grace deadline
// (policy/token-grace.ts) also fires when a rotation grace ends, so listeners hear that the
// previous token is gone; it is the only timer for that deadline.
import type { Logger } from 'pino';
import { AgentDeskError } from '../../common/errors.js';
import type { AgentTokenSource } from '../types.js';
import { TOKEN_POLL_INTERVAL_MS } from '../config/limits.js';
import { systemClock, type Clock } from '../policy/clock.js';
import { graceDeadline, tokenStateAsOf } from '../policy/token-grace.js';
import { TokenStateListeners } from '../policy/token-state-listeners.js';
import { AGENT_TOKEN_OPTION } from './agent-token-option.js';
import type { OptionsStore } from './options-store.js';

export interface LiveAgentTokenSource extends AgentTokenSource {
  /** Stops polling and timers; listeners hear nothing more. The store stays open. */
  close(): void;
}

export interface LiveAgentTokenSourceOptions {
  readonly pollIntervalMs?: number;
  /** The clock every grace deadline is measured on; default the system clock. */
  readonly clock?: Clock;
}

/**
 * Reads the token once (throwing the store's AgentDeskError when the stored value is unreadable
 * or invalid, which the CLI turns into exit 78) and then follows changes.
 */
export function startLiveAgentTokenSource(store: OptionsStore, logger: Logger, opts: LiveAgentTokenSourceOptions = {}): LiveAgentTokenSource {
  const clock = opts.clock ?? systemClock;
  const published = new TokenStateListeners(store.readAgentToken(clock()), logger);
  let version = store.dataVersion();
  let closed = false;
  const deadline = graceDeadline(clock, refresh);

  function refresh(): void {
    if (closed) return;
    try {
      published.publish(store.readAgentToken(clock()));
    } catch (err) {
      if (err instanceof AgentDeskError) {
        logger.warn(
          { option: AGENT_TOKEN_OPTION, code: err.code, reason: err.message },
          `ignored a change to option ${AGENT_TOKEN_OPTION} that is not valid; the server keeps the value it had`,
        );
      } else {
        logger.error({ err, option: AGENT_TOKEN_OPTION }, `cannot re-read option ${AGENT_TOKEN_OPTION}; the server keeps the value it had`);
      }
      // The kept state may still hold a previous token whose grace has now ended.
      published.publish(tokenStateAsOf(published.state, clock()));
    }
    // Re-armed on every pass: a timer that fired a little early finds the grace still running.
    deadline.arm(published.state);
  }

  const poll = setInterval(() => {
    try {
      const now = store.dataVersion();
      if (now === version) return;
      version = now;
    } catch (err) {
      logger.error({ err }, 'cannot check the options database for changes');
      return;
    }
    refresh();
  }, opts.pollIntervalMs ?? TOKEN_POLL_INTERVAL_MS);
  poll.unref();
  const stopWatchingWrites = store.onWrite(refresh);
  deadline.arm(published.state);

  return {
    state: () => tokenStateAsOf(published.state, clock()),
    onChange: (listener) => published.onChange(listener),
    close() {
      closed = true;
      clearInterval(poll);
      deadline.cancel();
      stopWatchingWrites();
      published.clear();
    },
  };
}
