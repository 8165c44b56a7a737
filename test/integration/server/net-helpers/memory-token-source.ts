import { systemClock, type Clock } from '../../../../server/policy/clock.js';
import { graceDeadline, tokenStateAsOf } from '../../../../server/policy/token-grace.js';
import type { AgentTokenSource, AgentTokenState } from '../../../../server/types.js';

/**
 * An in-memory AgentTokenSource: the project's interface, driven directly by the test. Like the
 * live source it reports the end of a rotation grace as a change.
 */
export class MemoryTokenSource implements AgentTokenSource {
  #state: AgentTokenState;
  readonly #listeners = new Set<(state: AgentTokenState) => void>();
  readonly #clock: Clock;
  readonly #deadline;

  constructor(current: string | null = null, clock: Clock = systemClock) {
    this.#state = { current, previous: null };
    this.#clock = clock;
    this.#deadline = graceDeadline(clock, () => {
      const now = tokenStateAsOf(this.#state, this.#clock());
      if (now === this.#state) this.#deadline.arm(this.#state);
      else this.set(now);
    });
  }

  state(): AgentTokenState {
    return tokenStateAsOf(this.#state, this.#clock());
  }

  onChange(listener: (state: AgentTokenState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  set(state: AgentTokenState): void {
    this.#state = state;
    this.#deadline.arm(state);
    for (const listener of this.#listeners) listener(state);
  }
}
