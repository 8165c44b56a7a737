import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createKeytarSecretStore } from '../../../src/vault/keytar-secret-store.js';
import { keychainService, providerAccount } from '../../../src/vault/keychain-names.js';
import { createHarness, PROVIDER_ID } from './helpers/sign-in-harness.js';
import { startTestProvider, TEST_AGENT, type TestProvider } from './helpers/test-provider.js';

describe('sign-in through the system browser (real oidc-provider, real keychain)', () => {
  let idp: TestProvider;
  before(async () => {
    idp = await startTestProvider();
  });
  after(async () => {
    await idp.close();
  });

  it('custom-scheme: the agent signs in, sees their name and email, and the refresh token is in the keychain', async () => {
    const store = createKeytarSecretStore(keychainService(`test-${randomUUID()}`));
    const h = await createHarness({ idp, store, mode: 'custom-scheme' });
    const states: string[] = [];
    h.service.onChange((s) => states.push(s.status));

    const done = h.service.signIn(PROVIDER_ID);
    const authUrl = new URL(await h.desktop.nextOpened());
    assert.equal(`${authUrl.origin}${authUrl.pathname}`, `${idp.issuer}/auth`);
    const q = authUrl.searchParams;
    assert.equal(q.get('redirect_uri'), 'com.agentdesk.desktop:/oauth/callback/test-idp', 'the redirect of this provider');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.get('nonce') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(q.get('scope'), 'openid email profile offline_access');
    assert.equal(h.service.currentAgent().status, 'waiting');
    assert.equal(h.service.pendingAuthorizationUrl(), authUrl.href);

    const redirect = await h.browse(authUrl.href);
    assert.ok(redirect.startsWith('com.agentdesk.desktop:/oauth/callback/test-idp?'), redirect);
    assert.equal(new URL(redirect).searchParams.get('iss'), idp.issuer);
    await h.service.handleCallbackUrl(redirect);
    assert.deepEqual(await done, { name: TEST_AGENT.name, email: TEST_AGENT.email });

    const state = h.service.currentAgent();
    assert.equal(state.status, 'signed-in');
    assert.equal(state.tokensKept, true);
    assert.deepEqual(states.slice(-2), ['waiting', 'signed-in']);
    const stored = JSON.parse((await store.get(providerAccount(PROVIDER_ID, idp.clientId))) ?? 'null') as Record<string, unknown>;
    assert.equal(typeof stored.refresh_token, 'string');
    assert.equal(stored.email, TEST_AGENT.email);
    assert.equal(stored.issuer, idp.issuer);
    assert.equal('access_token' in stored || 'id_token' in stored, false, 'only the refresh token is stored');
    const token = await h.service.getAccessToken();
    assert.ok(token.length > 20);
    await h.service.signOut();
  });

  it('loopback: a listener on 127.0.0.1 receives the redirect, tells the agent to return to AgentDesk, then closes', async () => {
    const store = createKeytarSecretStore(keychainService(`test-${randomUUID()}`));
    const h = await createHarness({ idp, store, mode: 'loopback' });
    const done = h.service.signIn(PROVIDER_ID);
    const authUrl = new URL(await h.desktop.nextOpened());
    const redirectUri = new URL(authUrl.searchParams.get('redirect_uri') ?? '');
    assert.equal(redirectUri.hostname, '127.0.0.1');
    assert.equal(redirectUri.pathname, '/oauth/callback/test-idp');
    assert.ok(Number(redirectUri.port) > 0);

    const redirect = await h.browse(authUrl.href);
    assert.ok(redirect.startsWith(`${redirectUri.href}?`), redirect);
    const response = await fetch(redirect);
    const page = await response.text();
    assert.equal(response.status, 200);
    assert.match(page, /signed in/i);
    assert.match(page, /Return to AgentDesk/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.deepEqual(await done, { name: TEST_AGENT.name, email: TEST_AGENT.email });
    // Closed after the first valid callback: nothing listens on that port any more.
    await assert.rejects(fetch(redirect), /fetch failed/);
    await h.service.signOut();
  });

  it('auto: custom scheme when the OS has it registered for the app, loopback otherwise', async () => {
    const store = createKeytarSecretStore(keychainService(`test-${randomUUID()}`));
    const h = await createHarness({ idp, store, mode: 'auto' });
    h.desktop.schemeRegistered = true;
    const first = h.service.signIn(PROVIDER_ID);
    assert.equal(new URL(await h.desktop.nextOpened()).searchParams.get('redirect_uri'), 'com.agentdesk.desktop:/oauth/callback/test-idp');
    h.service.cancel();
    await assert.rejects(first, { code: 'LOGIN_CANCELLED' });

    h.desktop.schemeRegistered = false;
    const second = h.service.signIn(PROVIDER_ID);
    const url = await h.desktop.nextOpened();
    assert.match(new URL(url).searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\/test-idp$/);
    const redirect = await h.browse(url);
    await fetch(redirect).then((r) => r.text());
    assert.equal((await second).email, TEST_AGENT.email);
    await h.service.signOut();
  });
});
