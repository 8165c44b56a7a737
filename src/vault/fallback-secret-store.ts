import { AgentDeskError } from '../../common/errors.js';
import { MemorySecretStore } from './memory-secret-store.js';
import type { SecretStore } from './secret-store.js';

/**
 * Uses the keychain while it works. The first KEYCHAIN_UNAVAILABLE switches the rest of this run to
 * memory (copying nothing: the keychain could not be read) and reports the typed error once, so the
 * agent stays signed in and can be told their sign-in will not be kept.
 */
export class FallbackSecretStore implements SecretStore {
  readonly #primary: SecretStore;
  readonly #memory = new MemorySecretStore();
  readonly #onUnavailable: (error: AgentDeskError) => void;
  #failed = false;

  constructor(primary: SecretStore, onUnavailable: (error: AgentDeskError) => void) {
    this.#primary = primary;
    this.#onUnavailable = onUnavailable;
  }

  get persistent(): boolean {
    return !this.#failed && this.#primary.persistent;
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
    if (!this.#failed) {
      try {
        return await op(this.#primary);
      } catch (err) {
        if (!(err instanceof AgentDeskError && err.code === 'KEYCHAIN_UNAVAILABLE')) throw err;
        this.#failed = true;
        this.#onUnavailable(err);
      }
    }
    return op(this.#memory);
  }
}
