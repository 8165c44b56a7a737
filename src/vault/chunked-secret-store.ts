import { AgentDeskError } from '../../common/errors.js';
import { KEYCHAIN_MAX_PARTS, KEYCHAIN_SECRET_MAX_BYTES } from '../limits.js';
import type { SecretStore } from './secret-store.js';

// Stored layout: a value that fits is kept under its account as `1:<value>`; a longer one is cut
// into UTF-8-safe parts kept under `<account>#1..N`, and the account itself holds `n:<N>`.
const SINGLE = '1:';
const SPLIT = 'n:';

/** Cuts `value` into parts of at most `maxBytes` UTF-8 bytes without splitting a character. */
export function splitSecret(value: string, maxBytes: number): string[] {
  const parts: string[] = [];
  let current = '';
  let currentBytes = 0;
  for (const ch of value) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (currentBytes + size > maxBytes) {
      parts.push(current);
      current = '';
      currentBytes = 0;
    }
    current += ch;
    currentBytes += size;
  }
  if (current.length > 0 || parts.length === 0) parts.push(current);
  return parts;
}

function partAccount(account: string, index: number): string {
  return `${account}#${index}`;
}

/**
 * Keeps every entry of the underlying keychain under KEYCHAIN_SECRET_MAX_BYTES (Windows Credential
 * Manager's limit) by splitting longer secrets over several entries.
 */
export class ChunkedSecretStore implements SecretStore {
  readonly #inner: SecretStore;
  readonly #maxBytes: number;

  constructor(inner: SecretStore, maxBytes = KEYCHAIN_SECRET_MAX_BYTES) {
    this.#inner = inner;
    this.#maxBytes = maxBytes;
  }

  get persistent(): boolean {
    return this.#inner.persistent;
  }

  async get(account: string): Promise<string | null> {
    const head = await this.#inner.get(account);
    if (head === null) return null;
    if (head.startsWith(SINGLE)) return head.slice(SINGLE.length);
    const count = this.#partCount(head);
    if (count === null) return null;
    let value = '';
    for (let i = 1; i <= count; i += 1) {
      const part = await this.#inner.get(partAccount(account, i));
      // A missing part means a write was interrupted: treat the whole entry as absent.
      if (part === null) return null;
      value += part;
    }
    return value;
  }

  async set(account: string, value: string): Promise<void> {
    const previous = await this.#inner.get(account);
    const previousCount = previous === null ? 0 : (this.#partCount(previous) ?? 0);
    const headroom = this.#maxBytes - SINGLE.length;
    let newCount = 0;
    if (Buffer.byteLength(value, 'utf8') <= headroom) {
      await this.#inner.set(account, SINGLE + value);
    } else {
      const parts = splitSecret(value, this.#maxBytes);
      if (parts.length > KEYCHAIN_MAX_PARTS) {
        throw new AgentDeskError('KEYCHAIN_UNAVAILABLE', `A secret of ${parts.length} parts is larger than the keychain entries allow.`);
      }
      newCount = parts.length;
      // Parts first, then the head that points at them, so a reader never sees a head without parts.
      for (const [i, part] of parts.entries()) await this.#inner.set(partAccount(account, i + 1), part);
      await this.#inner.set(account, `${SPLIT}${parts.length}`);
    }
    for (let i = newCount + 1; i <= previousCount; i += 1) await this.#inner.delete(partAccount(account, i));
  }

  async delete(account: string): Promise<boolean> {
    const head = await this.#inner.get(account);
    if (head === null) return false;
    const count = this.#partCount(head) ?? 0;
    for (let i = 1; i <= count; i += 1) await this.#inner.delete(partAccount(account, i));
    return this.#inner.delete(account);
  }

  #partCount(head: string): number | null {
    if (!head.startsWith(SPLIT)) return null;
    const count = Number(head.slice(SPLIT.length));
    return Number.isInteger(count) && count >= 1 && count <= KEYCHAIN_MAX_PARTS ? count : null;
  }
}
