import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseProvidersFile } from '../../../src/auth/provider-config.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';
import { FakeClock } from './helpers/fake-clock.js';
import { createHarness, deliver, PROVIDER_ID, testProviderConfig } from './helpers/sign-in-harness.js';
import { startTestProvider, TEST_AGENT, type TestProvider } from './helpers/test-provider.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('one redirect per provider: a code from one provider is refused at another one’s attempt', () => {
  let honest: TestProvider;
  let other: TestProvider;
  before(async () => {
    // Neither sends `iss` (as older providers do), so only the redirect tells them apart.
    honest = await startTestProvider({ providerIds: ['idp-a'], issParameter: false });
    other = await startTestProvider({ providerIds: ['idp-b'], issParameter: false });
  });
  after(async () => {
    await honest.close();
    await other.close();
  });

  it('refuses provider A’s code delivered under the pending attempt of provider B, before any token request', async () => {
    const providers = parseProvidersFile({
      providers: [
        { id: 'idp-a', label: 'A', issuer: honest.issuer, client_id: honest.clientId },
        { id: 'idp-b', label: 'B', issuer: other.issuer, client_id: other.clientId },
      ],
    });
    const h = await createHarness({ idp: honest, store: new MemorySecretStore(), providers });
    const attemptB = h.service.signIn('idp-b');
    const requestB = new URL(await h.desktop.nextOpened());
    assert.equal(requestB.searchParams.get('redirect_uri'), 'com.agentdesk.desktop:/oauth/callback/idp-b');
    // The mix-up: B sends the agent on to A with the desktop's own request values (state, PKCE,
    // nonce) and A's client; A returns a code to the redirect it has registered for the desktop.
    const forwarded = new URL(`${honest.issuer}/auth`);
    for (const [k, v] of requestB.searchParams) forwarded.searchParams.set(k, v);
    forwarded.searchParams.set('client_id', honest.clientId);
    forwarded.searchParams.set('redirect_uri', 'com.agentdesk.desktop:/oauth/callback/idp-a');
    const codeFromA = await h.browse(forwarded.href);
    assert.ok(codeFromA.startsWith('com.agentdesk.desktop:/oauth/callback/idp-a?'), codeFromA);
    assert.equal(new URL(codeFromA).searchParams.has('iss'), false, 'no iss to compare');
    const tokenCalls = honest.hits.token + other.hits.token;
    await assert.rejects(h.service.handleCallbackUrl(codeFromA), { code: 'CALLBACK_INVALID' });
    assert.equal(honest.hits.token + other.hits.token, tokenCalls, 'the code went to no token endpoint');
    assert.equal(h.service.currentAgent().status, 'waiting', 'B’s real attempt keeps waiting');

    // B's own answer still completes B's attempt.
    const answerB = await h.browse(requestB.href);
    await deliver(h.service, answerB);
    assert.equal((await attemptB).email, TEST_AGENT.email);
    const state = h.service.currentAgent();
    assert.equal(state.status === 'signed-in' && state.providerId, 'idp-b');
    await h.service.signOut();
  });

  it('signs in against a provider that sends no iss parameter (the redirect and state still hold)', async () => {
    const h = await createHarness({ idp: honest, store: new MemorySecretStore(), providers: parseProvidersFile({ providers: [{ id: 'idp-a', issuer: honest.issuer, client_id: honest.clientId }] }) });
    const done = h.service.signIn('idp-a');
    await deliver(h.service, await h.browse(await h.desktop.nextOpened()));
    assert.equal((await done).email, TEST_AGENT.email);
    await h.service.signOut();
  });
});

describe('a provider that compares redirect URIs exactly', () => {
  let idp: TestProvider;
  let port: number;
  before(async () => {
    port = await freePort();
    idp = await startTestProvider({ exactRedirects: { loopbackPort: port }, customScheme: false });
  });
  after(async () => {
    await idp.close();
  });

  it('refuses an ephemeral loopback port: the desktop says so before opening the browser, naming the address', async () => {
    // A fake clock that never moves: the refusal cannot be LOGIN_TIMEOUT.
    const h = await createHarness({ idp, store: new MemorySecretStore(), mode: 'loopback', clock: new FakeClock() });
    const started = performance.now();
    const err = await h.service.signIn(PROVIDER_ID).then(
      () => null,
      (e: unknown) => e as { code: string; message: string },
    );
    const elapsedMs = performance.now() - started;
    assert.equal(err?.code, 'REDIRECT_REFUSED');
    assert.match(err!.message, /http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\/test-idp/);
    assert.match(err!.message, /fixed loopback port/);
    assert.equal(h.desktop.opened.length, 0, 'no browser left on the provider’s error page');
    const state = h.service.currentAgent();
    assert.equal(state.status === 'signed-out' && state.reason?.code, 'REDIRECT_REFUSED');
    console.log(`# REDIRECT_REFUSED after ${elapsedMs.toFixed(0)} ms`);
  });

  it('auto with the custom scheme registered but not accepted by the provider goes on to loopback, and with the fixed port signs in', async () => {
    const providers = testProviderConfig(idp, 'auto', { redirect: { mode: 'auto', loopback_port: port } });
    const h = await createHarness({ idp, store: new MemorySecretStore(), providers });
    h.desktop.schemeRegistered = true;
    const done = h.service.signIn(PROVIDER_ID);
    const url = new URL(await h.desktop.nextOpened());
    assert.equal(url.searchParams.get('redirect_uri'), `http://127.0.0.1:${port}/oauth/callback/test-idp`);
    await deliver(h.service, await h.browse(url.href));
    assert.equal((await done).email, TEST_AGENT.email);
    await h.service.signOut();
  });
});
