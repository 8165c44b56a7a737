import { AgentDeskError } from '../../common/errors.js';
import { ChunkedSecretStore } from './chunked-secret-store.js';
import type { SecretStore } from './secret-store.js';

/** The part of keytar this store uses. */
interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

let keytarModule: Promise<Keytar> | undefined;

// keytar is a native module: load it on first use so a broken build surfaces as
// KEYCHAIN_UNAVAILABLE instead of a crash at startup.
async function loadKeytar(): Promise<Keytar> {
  // keytar is CommonJS: its functions are on the module's default export (module.exports).
  keytarModule ??= import('keytar').then((m) => (m as unknown as { default: Keytar }).default);
  return keytarModule;
}

function unavailable(cause: unknown): AgentDeskError {
  return new AgentDeskError('KEYCHAIN_UNAVAILABLE', undefined, { cause });
}

/** One keychain service (app + profile) in the OS keychain through keytar, without size handling. */
class KeytarEntries implements SecretStore {
  readonly persistent = true;
  readonly #service: string;

  constructor(service: string) {
    this.#service = service;
  }

  async get(account: string): Promise<string | null> {
    try {
      return await (await loadKeytar()).getPassword(this.#service, account);
    } catch (err) {
      throw unavailable(err);
    }
  }

  async set(account: string, value: string): Promise<void> {
    try {
      await (await loadKeytar()).setPassword(this.#service, account, value);
    } catch (err) {
      throw unavailable(err);
    }
  }

  async delete(account: string): Promise<boolean> {
    try {
      return await (await loadKeytar()).deletePassword(this.#service, account);
    } catch (err) {
      throw unavailable(err);
    }
  }
}

/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux) for one
 * service name. Every failure to reach it is a KEYCHAIN_UNAVAILABLE AgentDeskError; long secrets
 * are split so no entry passes the Windows size limit.
 */
export function createKeytarSecretStore(service: string): SecretStore {
  return new ChunkedSecretStore(new KeytarEntries(service));
}
