import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentDeskError } from '../../../common/errors.js';
import { FallbackSecretStore } from '../../../src/vault/fallback-secret-store.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';
import type { SecretStore } from '../../../src/vault/secret-store.js';

class BrokenKeychain implements SecretStore {
  readonly persistent = true;
  calls = 0;
  async get(): Promise<string | null> {
    this.calls += 1;
    throw new AgentDeskError('KEYCHAIN_UNAVAILABLE');
  }
  async set(): Promise<void> {
    this.calls += 1;
    throw new AgentDeskError('KEYCHAIN_UNAVAILABLE');
  }
  async delete(): Promise<boolean> {
    this.calls += 1;
    throw new AgentDeskError('KEYCHAIN_UNAVAILABLE');
  }
}

describe('keychain with in-memory fallback', () => {
  it('uses the keychain while it works', async () => {
    const primary = new MemorySecretStore();
    Object.defineProperty(primary, 'persistent', { value: true });
    const store = new FallbackSecretStore(primary, () => assert.fail('no fallback expected'));
    await store.set('a', '1');
    assert.equal(await primary.get('a'), '1');
    assert.equal(store.persistent, true);
  });

  it('on KEYCHAIN_UNAVAILABLE reports once, keeps values in memory for this run and says they are not kept', async () => {
    const broken = new BrokenKeychain();
    const reports: string[] = [];
    const store = new FallbackSecretStore(broken, (err) => reports.push(err.code));
    await store.set('a', '1');
    await store.set('b', '2');
    assert.equal(await store.get('a'), '1');
    assert.equal(await store.delete('b'), true);
    assert.deepEqual(reports, ['KEYCHAIN_UNAVAILABLE']);
    assert.equal(broken.calls, 1, 'the broken keychain is not asked again');
    assert.equal(store.persistent, false);
  });

  it('passes other errors through', async () => {
    const failing: SecretStore = {
      persistent: true,
      get: async () => {
        throw new Error('bug');
      },
      set: async () => {},
      delete: async () => false,
    };
    const store = new FallbackSecretStore(failing, () => assert.fail('not a keychain outage'));
    await assert.rejects(store.get('a'), /bug/);
  });

  it('is shared: every listener hears the one failure once, and a service that comes later can ask', async () => {
    const broken = new BrokenKeychain();
    const store = new FallbackSecretStore(broken);
    const heard: string[] = [];
    store.onUnavailable((err) => heard.push(`tokens ${err.code}`));
    const stop = store.onUnavailable((err) => heard.push(`sign-in ${err.code}`));
    const failure = () => store.unavailable;
    assert.equal(failure(), null);
    await store.set('a', '1');
    await store.get('a');
    assert.deepEqual(heard, ['tokens KEYCHAIN_UNAVAILABLE', 'sign-in KEYCHAIN_UNAVAILABLE']);
    assert.equal(failure()?.code, 'KEYCHAIN_UNAVAILABLE');
    stop();
    assert.equal(broken.calls, 1);
  });
});
