// The last agent-token state an AgentTokenSource read and the listeners of its changes, for every
// source (the SQLite one and the cluster's PostgreSQL one): listeners hear only real changes
// (another current token, another previous token or grace end), and one that throws is logged
// without stopping the others or the source.
import type { Logger } from 'pino';
import type { AgentTokenState } from '../types.js';

function sameState(a: AgentTokenState, b: AgentTokenState): boolean {
  return a.current === b.current && a.previous?.token === b.previous?.token && a.previous?.validUntil === b.previous?.validUntil;
}

export class TokenStateListeners {
  #state: AgentTokenState;
  readonly #listeners = new Set<(state: AgentTokenState) => void>();
  readonly #logger: Logger;

  constructor(initial: AgentTokenState, logger: Logger) {
    this.#state = initial;
    this.#logger = logger;
  }

  /** The state as last published (a previous token in it may have expired since: see tokenStateAsOf). */
  get state(): AgentTokenState {
    return this.#state;
  }

  /** Keeps `next` and tells every listener, unless it is the same as the state kept; returns whether it changed. */
  publish(next: AgentTokenState): boolean {
    if (sameState(this.#state, next)) return false;
    this.#state = next;
    for (const listener of this.#listeners) {
      try {
        listener(this.#state);
      } catch (err) {
        this.#logger.error({ err }, 'an agent-token listener failed');
      }
    }
    return true;
  }

  /** AgentTokenSource.onChange. */
  onChange(listener: (state: AgentTokenState) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  clear(): void {
    this.#listeners.clear();
  }
}
