import type { AgentTokenSource, AgentTokenState } from '../../../../server/types.js';

/** An in-memory AgentTokenSource: the project's interface, driven directly by the test. */
export class MemoryTokenSource implements AgentTokenSource {
  #state: AgentTokenState;
  readonly #listeners = new Set<(state: AgentTokenState) => void>();

  constructor(current: string | null = null) {
    this.#state = { current, previous: null };
  }

  state(): AgentTokenState {
    return this.#state;
  }

  onChange(listener: (state: AgentTokenState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  set(state: AgentTokenState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }
}
