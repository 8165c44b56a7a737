import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAgentTokenStore } from '../../../src/vault/agent-token-store.js';
import { AGENT_TOKEN_ACCOUNT } from '../../../src/vault/keychain-names.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';

describe('co-browse agent token in the keychain', () => {
  it('saves exactly 26 digits under its own account', async () => {
    const secrets = new MemorySecretStore();
    const tokens = createAgentTokenStore(secrets);
    await tokens.save('00000000000000000000000042');
    assert.equal(await secrets.get(AGENT_TOKEN_ACCOUNT), '00000000000000000000000042');
    assert.equal(await tokens.read(), '00000000000000000000000042');
    assert.equal(await tokens.has(), true);
  });

  for (const bad of ['', '1'.repeat(25), '1'.repeat(27), `${'1'.repeat(25)}x`, `${'1'.repeat(26)}\n`, '１'.repeat(26)]) {
    it(`refuses ${JSON.stringify(bad).slice(0, 40)} before anything is saved`, async () => {
      const secrets = new MemorySecretStore();
      await assert.rejects(createAgentTokenStore(secrets).save(bad), { code: 'AGENT_TOKEN_FORMAT_INVALID' });
      assert.equal(await secrets.get(AGENT_TOKEN_ACCOUNT), null);
    });
  }

  it('does not hand out an entry that is not a token', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set(AGENT_TOKEN_ACCOUNT, 'garbage');
    assert.equal(await createAgentTokenStore(secrets).read(), null);
  });
});
