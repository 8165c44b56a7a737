import type { SecretStore } from './secret-store.js';

/** Secrets in this process' memory only: the fallback when no keychain is available, and the store
 * unit tests use. Nothing survives a restart. */
export class MemorySecretStore implements SecretStore {
  readonly persistent = false;
  readonly #values = new Map<string, string>();

  async get(account: string): Promise<string | null> {
    return this.#values.get(account) ?? null;
  }

  async set(account: string, value: string): Promise<void> {
    this.#values.set(account, value);
  }

  async delete(account: string): Promise<boolean> {
    return this.#values.delete(account);
  }
}
