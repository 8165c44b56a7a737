import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseProvidersFile } from '../../../src/auth/provider-config.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';
import { createHarness, PROVIDER_ID, testProviderConfig } from './helpers/sign-in-harness.js';
import { startTestProvider, TEST_AGENT, type TestProvider } from './helpers/test-provider.js';

/** A loopback port that was free a moment ago and has nothing listening now. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function explicitProvider(idp: TestProvider, tokenUrl: string) {
  // The same provider, configured the way a provider without discovery is: endpoints by hand.
  return parseProvidersFile({
    providers: [
      {
        id: PROVIDER_ID,
        issuer: idp.issuer,
        authorize_url: `${idp.issuer}/auth`,
        token_url: tokenUrl,
        jwks_uri: `${idp.issuer}/jwks`,
        userinfo_url: `${idp.issuer}/me`,
        revocation_url: `${idp.issuer}/token/revocation`,
        client_id: idp.clientId,
      },
    ],
  });
}

describe('provider unreachable and explicit endpoints', () => {
  let idp: TestProvider;
  before(async () => {
    idp = await startTestProvider();
  });
  after(async () => {
    await idp.close();
  });

  it('refuses to start with PROVIDER_UNREACHABLE when discovery cannot be reached, without opening the browser', async () => {
    const port = await deadPort();
    const providers = testProviderConfig({ ...idp, issuer: `http://127.0.0.1:${port}` });
    const h = await createHarness({ idp, store: new MemorySecretStore(), providers });
    await assert.rejects(h.service.signIn(PROVIDER_ID), { code: 'PROVIDER_UNREACHABLE' });
    assert.equal(h.desktop.opened.length, 0);
    const state = h.service.currentAgent();
    assert.equal(state.status === 'signed-out' && state.reason?.code, 'PROVIDER_UNREACHABLE');
    // Not cached: once the provider answers, the same service signs in.
    const ok = await createHarness({ idp, store: new MemorySecretStore() });
    assert.equal((await ok.signIn()).email, TEST_AGENT.email);
  });

  it('signs in with explicit endpoints (no discovery), validating the ID token against the given JWKS', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore(), providers: explicitProvider(idp, `${idp.issuer}/token`) });
    const discoveries = idp.hits.discovery;
    assert.deepEqual(await h.signIn(), { name: TEST_AGENT.name, email: TEST_AGENT.email });
    assert.equal(idp.hits.discovery, discoveries, 'no discovery request');
    assert.equal((await h.service.signOut())?.revocation, 'revoked');
  });

  it('ends the sign-in with PROVIDER_UNREACHABLE when the token endpoint does not answer', async () => {
    const port = await deadPort();
    const h = await createHarness({ idp, store: new MemorySecretStore(), providers: explicitProvider(idp, `http://127.0.0.1:${port}/token`) });
    const done = h.service.signIn(PROVIDER_ID);
    const redirect = await h.browse(await h.desktop.nextOpened());
    await assert.rejects(h.service.handleCallbackUrl(redirect), { code: 'PROVIDER_UNREACHABLE' });
    await assert.rejects(done, { code: 'PROVIDER_UNREACHABLE' });
    assert.equal(h.service.currentAgent().status, 'signed-out');
  });
});
