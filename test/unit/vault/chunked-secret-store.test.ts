import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedSecretStore, splitSecret } from '../../../src/vault/chunked-secret-store.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';

/** A keychain that refuses entries over `max` bytes, like Windows Credential Manager. */
class SizeLimitedStore extends MemorySecretStore {
  constructor(readonly max: number) {
    super();
  }
  readonly entries = new Map<string, string>();
  override async set(account: string, value: string): Promise<void> {
    if (Buffer.byteLength(value, 'utf8') > this.max) throw new Error('entry too large');
    this.entries.set(account, value);
    await super.set(account, value);
  }
  override async delete(account: string): Promise<boolean> {
    this.entries.delete(account);
    return super.delete(account);
  }
}

describe('splitting secrets over keychain entries', () => {
  it('cuts on character boundaries, each part within the byte limit, and joins back to the original', () => {
    const value = `${'a'.repeat(7)}€${'b'.repeat(3)}😀`;
    const parts = splitSecret(value, 8);
    for (const part of parts) assert.ok(Buffer.byteLength(part, 'utf8') <= 8, part);
    assert.equal(parts.join(''), value);
    assert.deepEqual(splitSecret('', 8), ['']);
  });

  it('stores a short secret as one entry and a long one as several, never over the limit', async () => {
    const inner = new SizeLimitedStore(100);
    const store = new ChunkedSecretStore(inner, 100);
    await store.set('acct', 'short');
    assert.equal(await store.get('acct'), 'short');
    assert.equal(inner.entries.size, 1);
    const long = 'é'.repeat(260);
    await store.set('acct', long);
    assert.equal(await store.get('acct'), long);
    assert.equal(inner.entries.size, 1 + Math.ceil((260 * 2) / 100));
    await store.set('acct', 'short again');
    assert.equal(inner.entries.size, 1, 'parts of the old value removed');
    assert.equal(await store.delete('acct'), true);
    assert.equal(inner.entries.size, 0);
    assert.equal(await store.get('acct'), null);
  });

  it('treats an entry with a missing part (interrupted write) as absent', async () => {
    const inner = new SizeLimitedStore(100);
    const store = new ChunkedSecretStore(inner, 100);
    await store.set('acct', 'x'.repeat(250));
    await inner.delete('acct#2');
    assert.equal(await store.get('acct'), null);
  });

  it('refuses a secret that needs more parts than any real token', async () => {
    const store = new ChunkedSecretStore(new SizeLimitedStore(10), 10);
    await assert.rejects(store.set('acct', 'x'.repeat(1000)), { code: 'KEYCHAIN_UNAVAILABLE' });
  });
});
