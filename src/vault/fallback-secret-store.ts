import { AgentDeskError } from '../../common/errors.js';
import { MemorySecretStore } from './memory-secret-store.js';
import type { SecretStore } from './secret-store.js';

/**
 * Uses the keychain while it works. The first KEYCHAIN_UNAVAILABLE switches the rest of this run to
 * memory (copying nothing: the keychain could not be read) and reports the typed error once to each
 * listener, so the agent stays signed in and can be told their sign-in will not be kept. The
 * desktop core makes one for the run and hands it to every service that keeps a secret.
 */
export class FallbackSecretStore implements SecretStore {
  readonly #primary: SecretStore;
  readonly #memory = new MemorySecretStore();
  readonly #listeners = new Set<(error: AgentDeskError) => void>();
  #failure: AgentDeskError | null = null;

  constructor(primary: SecretStore, onUnavailable?: (error: AgentDeskError) => void) {
    this.#primary = primary;
    if (onUnavailable) this.#listeners.add(onUnavailable);
  }

  get persistent(): boolean {
    return this.#failure === null && this.#primary.persistent;
  }

  /** The KEYCHAIN_UNAVAILABLE that switched this run to memory, or null while the keychain works. */
  get unavailable(): AgentDeskError | null {
    return this.#failure;
  }

  /** Called once when the keychain fails; returns the unsubscribe function. */
  onUnavailable(listener: (error: AgentDeskError) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async get(account: string): Promise<string | null> {
    return this.#run((s) => s.get(account));
  }

  async set(account: string, value: string): Promise<void> {
    return this.#run((s) => s.set(account, value));
  }

  async delete(account: string): Promise<boolean> {
    return this.#run((s) => s.delete(account));
  }

  async #run<T>(op: (store: SecretStore) => Promise<T>): Promise<T> {
    if (this.#failure === null) {
      try {
        return await op(this.#primary);
      } catch (err) {
        if (!(err instanceof AgentDeskError && err.code === 'KEYCHAIN_UNAVAILABLE')) throw err;
        this.#failure = err;
        for (const listener of this.#listeners) listener(err);
      }
    }
    return op(this.#memory);
  }
}
