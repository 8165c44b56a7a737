// The running node's view of slave.password when it lives in PostgreSQL: read at start, re-read
// when told of a change (Redis pub/sub, see option-change-bus.ts) and by a slow backstop poll,
// with a timer for the end of a rotation grace. Same contract as the SQLite live source
// (server/store/live-agent-token-source.ts): listeners hear only real changes.
import type { Logger } from 'pino';
import { AgentDeskError } from '../../common/errors.js';
import { systemClock } from '../policy/clock.js';
import { graceDeadline, tokenStateAsOf } from '../policy/token-grace.js';
import { TokenStateListeners } from '../policy/token-state-listeners.js';
import { AGENT_TOKEN_OPTION } from '../store/agent-token-option.js';
import type { LiveAgentTokenSource } from '../store/live-agent-token-source.js';
import type { PgOptionsStore } from '../store/postgres/pg-options-store.js';
import type { AgentTokenState } from '../types.js';
import { OPTIONS_POLL_INTERVAL_MS } from './cluster-limits.js';

export interface SharedAgentTokenSource extends LiveAgentTokenSource {
  /** Re-reads now (a change notification arrived); resolves when the new state is published. */
  refresh(): Promise<void>;
}

/** Throws the store's AgentDeskError when the stored value is unreadable at start (exit 78). */
export async function startSharedAgentTokenSource(store: PgOptionsStore, logger: Logger, pollIntervalMs = OPTIONS_POLL_INTERVAL_MS): Promise<SharedAgentTokenSource> {
  const published = new TokenStateListeners(await store.readAgentToken(), logger);
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;

  const publish = (next: AgentTokenState): void => {
    if (published.publish(next)) armGraceTimer();
  };

  const readOnce = async (): Promise<void> => {
    try {
      publish(await store.readAgentToken());
    } catch (err) {
      if (err instanceof AgentDeskError) {
        logger.warn({ option: AGENT_TOKEN_OPTION, code: err.code, reason: err.message }, `ignored a change to option ${AGENT_TOKEN_OPTION} that is not valid; the node keeps the value it had`);
      } else {
        logger.warn({ option: AGENT_TOKEN_OPTION, err: err instanceof Error ? err.message : String(err) }, `cannot re-read option ${AGENT_TOKEN_OPTION} from PostgreSQL; the node keeps the value it had`);
      }
      publish(tokenStateAsOf(published.state, Date.now()));
    }
  };

  // One read at a time; a notification during a read makes one more read after it.
  const refresh = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await readOnce();
      } while (again && !closed);
      running = null;
    })();
    return running;
  };

  // The end of a rotation grace is re-read from the store like any other change.
  const deadline = graceDeadline(systemClock, () => void refresh());
  function armGraceTimer(): void {
    if (closed) deadline.cancel();
    else deadline.arm(published.state);
  }

  const poll = setInterval(() => void refresh(), pollIntervalMs);
  poll.unref();
  armGraceTimer();

  return {
    state: () => tokenStateAsOf(published.state, Date.now()),
    onChange: (listener) => published.onChange(listener),
    refresh,
    close() {
      closed = true;
      clearInterval(poll);
      deadline.cancel();
      published.clear();
    },
  };
}
