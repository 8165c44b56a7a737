import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import { createAgentTokenStore } from '../../../src/vault/agent-token-store.js';
import { AGENT_TOKEN_ACCOUNT, keychainService } from '../../../src/vault/keychain-names.js';
import { createKeytarSecretStore } from '../../../src/vault/keytar-secret-store.js';
import { KEYCHAIN_SECRET_MAX_BYTES } from '../../../src/limits.js';

// Against the real Secret Service (gnome-keyring on a private D-Bus, scripts/with-secret-service.sh).
describe('keytar secret store (real Secret Service)', () => {
  it('stores, reads back and deletes a secret under the app + profile service', async () => {
    const service = keychainService(`test-${randomUUID()}`);
    const store = createKeytarSecretStore(service);
    assert.equal(await store.get('oidc:acme:client'), null);
    await store.set('oidc:acme:client', 'refresh-value');
    assert.equal(await store.get('oidc:acme:client'), 'refresh-value');
    // A second store object (a restart) sees the same entry.
    assert.equal(await createKeytarSecretStore(service).get('oidc:acme:client'), 'refresh-value');
    assert.equal(await store.delete('oidc:acme:client'), true);
    assert.equal(await store.get('oidc:acme:client'), null);
    assert.equal(await store.delete('oidc:acme:client'), false);
  });

  it('splits a long secret so that no keychain entry is over the Windows limit, and reassembles it', async () => {
    const service = keychainService(`test-${randomUUID()}`);
    const store = createKeytarSecretStore(service);
    const long = `é${'x'.repeat(6000)}€`;
    await store.set('oidc:big:client', long);
    assert.equal(await store.get('oidc:big:client'), long);
    const entries = await keytar.findCredentials(service);
    assert.ok(entries.length >= 3, 'several entries');
    for (const e of entries) assert.ok(Buffer.byteLength(e.password, 'utf8') <= KEYCHAIN_SECRET_MAX_BYTES, `${e.account} is small enough`);
    await store.set('oidc:big:client', 'short again');
    assert.equal(await store.get('oidc:big:client'), 'short again');
    assert.equal((await keytar.findCredentials(service)).length, 1, 'old parts removed');
    await store.delete('oidc:big:client');
    assert.equal((await keytar.findCredentials(service)).length, 0);
  });

  it('keeps the 26-digit agent token under its own account and refuses anything else before saving', async () => {
    const service = keychainService(`test-${randomUUID()}`);
    const tokens = createAgentTokenStore(createKeytarSecretStore(service));
    assert.equal(await tokens.has(), false);
    await assert.rejects(tokens.save('1234'), { code: 'AGENT_TOKEN_FORMAT_INVALID' });
    await assert.rejects(tokens.save('1234567890123456789012345a'), { code: 'AGENT_TOKEN_FORMAT_INVALID' });
    await assert.rejects(tokens.save(' 12345678901234567890123456'), { code: 'AGENT_TOKEN_FORMAT_INVALID' });
    assert.equal(await tokens.has(), false, 'nothing saved after a refusal');
    await tokens.save('12345678901234567890123456');
    assert.equal(await tokens.has(), true);
    assert.equal(await tokens.read(), '12345678901234567890123456');
    const entries = await keytar.findCredentials(service);
    assert.deepEqual(entries.map((e) => e.account), [AGENT_TOKEN_ACCOUNT]);
    await tokens.clear();
    assert.equal(await tokens.has(), false);
  });
});
