import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { REFRESH_BACKOFF_INITIAL_MS, REFRESH_SKEW_MS } from '../../../src/limits.js';
import { createKeytarSecretStore } from '../../../src/vault/keytar-secret-store.js';
import { keychainService, providerAccount } from '../../../src/vault/keychain-names.js';
import type { SecretStore } from '../../../src/vault/secret-store.js';
import { FakeClock } from './helpers/fake-clock.js';
import { createHarness, PROVIDER_ID, testProviderConfig } from './helpers/sign-in-harness.js';
import { providerAcceptsRefreshToken, revokeAtProvider, startTestProvider, TEST_AGENT, type TestProvider } from './helpers/test-provider.js';

const TTL_S = 600;

function freshKeychain(): { store: SecretStore; service: string } {
  const service = keychainService(`test-${randomUUID()}`);
  return { store: createKeytarSecretStore(service), service };
}

async function storedRefreshToken(store: SecretStore, idp: TestProvider): Promise<string | null> {
  const text = await store.get(providerAccount(PROVIDER_ID, idp.clientId));
  return text === null ? null : (JSON.parse(text) as { refresh_token: string }).refresh_token;
}

/** Lets pending I/O (timers fired by the fake clock start real HTTP requests) settle. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('keeping the agent signed in: refresh, sign-out, restart (real provider, real keychain)', () => {
  let idp: TestProvider;
  before(async () => {
    idp = await startTestProvider({ accessTokenTtl: TTL_S });
  });
  after(async () => {
    await idp.close();
  });

  it('refreshes shortly before expiry with one request, rotates the refresh token and saves it first', async () => {
    const clock = new FakeClock();
    const { store } = freshKeychain();
    const events: string[] = [];
    // The real keychain, slowed down, so "saved before used" is observable.
    const observed: SecretStore = {
      persistent: true,
      get: (a) => store.get(a),
      delete: (a) => store.delete(a),
      async set(a, v) {
        await new Promise((r) => setTimeout(r, 50));
        await store.set(a, v);
        events.push('keychain saved');
      },
    };
    const h = await createHarness({ idp, store: observed, clock });
    await h.signIn();
    const rt1 = await storedRefreshToken(store, idp);
    const at1 = await h.service.getAccessToken();
    assert.ok(rt1);
    assert.equal(clock.pending().nextInMs, TTL_S * 1000 - REFRESH_SKEW_MS, 'refresh scheduled one skew before expiry');

    const tokenCalls = idp.hits.token;
    clock.advance(TTL_S * 1000 - REFRESH_SKEW_MS);
    const tokens = await Promise.all([1, 2, 3].map(() => h.service.getAccessToken().then((t) => (events.push('access token handed out'), t))));
    assert.equal(idp.hits.token, tokenCalls + 1, 'one refresh in flight at a time');
    assert.equal(new Set(tokens).size, 1);
    assert.notEqual(tokens[0], at1);
    const rt2 = await storedRefreshToken(store, idp);
    assert.ok(rt2 && rt2 !== rt1, 'the rotated refresh token is in the keychain');
    assert.deepEqual(events.slice(-4), ['keychain saved', 'access token handed out', 'access token handed out', 'access token handed out']);
    assert.equal(await providerAcceptsRefreshToken(idp, rt1!), false, 'the old refresh token was rotated away');
    await h.service.signOut();
  });

  it('signs the agent out with SIGN_IN_ENDED when the refresh token was revoked', async () => {
    const clock = new FakeClock();
    const { store } = freshKeychain();
    const h = await createHarness({ idp, store, clock });
    await h.signIn();
    await revokeAtProvider(idp, (await storedRefreshToken(store, idp))!);
    clock.advance(TTL_S * 1000);
    await assert.rejects(h.service.getAccessToken(), { code: 'SIGN_IN_ENDED' });
    const state = h.service.currentAgent();
    assert.equal(state.status, 'signed-out');
    assert.equal(state.status === 'signed-out' && state.reason?.code, 'SIGN_IN_ENDED');
    assert.equal(await store.get(providerAccount(PROVIDER_ID, idp.clientId)), null, 'keychain entry removed');
    await assert.rejects(h.service.getAccessToken(), { code: 'NOT_SIGNED_IN' });
  });

  it('keeps the agent signed in through a provider outage and retries with jittered backoff, without extra requests', async () => {
    const clock = new FakeClock();
    const { store } = freshKeychain();
    const h = await createHarness({ idp, store, clock });
    await h.signIn();
    const at1 = await h.service.getAccessToken();
    await idp.stop();
    try {
      clock.advance(TTL_S * 1000 - REFRESH_SKEW_MS);
      // Inside the skew the old token is still valid: the agent keeps working with it.
      assert.equal(await h.service.getAccessToken(), at1);
      assert.equal(h.service.currentAgent().status, 'signed-in');
      await until(() => clock.pending().count === 1 && clock.pending().nextInMs !== null && clock.pending().nextInMs! <= REFRESH_BACKOFF_INITIAL_MS, 'a retry');
      clock.advance(REFRESH_SKEW_MS + 1);
      await assert.rejects(h.service.getAccessToken(), { code: 'PROVIDER_UNREACHABLE' });
      assert.equal(h.service.currentAgent().status, 'signed-in', 'a network failure does not sign the agent out');
      assert.ok(await storedRefreshToken(store, idp));
    } finally {
      await idp.start();
    }
    // The provider is back: nothing is asked before the retry's time, then the retry succeeds.
    await until(() => clock.pending().count === 1, 'the next retry');
    const tokenCalls = idp.hits.token;
    await assert.rejects(h.service.getAccessToken(), { code: 'PROVIDER_UNREACHABLE' });
    assert.equal(idp.hits.token, tokenCalls, 'no request while the retry waits');
    clock.advance(clock.pending().nextInMs!);
    await until(() => idp.hits.token === tokenCalls + 1 && clock.pending().nextInMs! > REFRESH_BACKOFF_INITIAL_MS * 10, 'the retry');
    const at2 = await h.service.getAccessToken();
    assert.notEqual(at2, at1);
    await h.service.signOut();
  });

  it('signs out: revokes the refresh token, offers end-session and empties the keychain', async () => {
    const { store } = freshKeychain();
    const h = await createHarness({ idp, store });
    await h.signIn();
    const rt = (await storedRefreshToken(store, idp))!;
    const revocations = idp.hits.revocation;
    const result = await h.service.signOut();
    assert.equal(result?.revocation, 'revoked');
    assert.equal(result?.endSession, 'offered');
    assert.equal(idp.hits.revocation, revocations + 1);
    assert.equal(await store.get(providerAccount(PROVIDER_ID, idp.clientId)), null);
    assert.equal(await providerAcceptsRefreshToken(idp, rt), false, 'the provider no longer accepts it');
    assert.equal(h.service.currentAgent().status, 'signed-out');
    await assert.rejects(h.service.getAccessToken(), { code: 'NOT_SIGNED_IN' });
  });

  it('after a restart, reads the refresh token back from the keychain and signs the agent in silently', async () => {
    const { service } = freshKeychain();
    const first = await createHarness({ idp, store: createKeytarSecretStore(service) });
    await first.signIn();
    await first.service.dispose();

    const store = createKeytarSecretStore(service);
    const rtBefore = await storedRefreshToken(store, idp);
    const second = await createHarness({ idp, store });
    assert.equal(second.service.currentAgent().status, 'signed-out');
    const tokenCalls = idp.hits.token;
    const state = await second.service.restore();
    assert.equal(state.status, 'signed-in');
    assert.deepEqual(state.status === 'signed-in' && state.agent, { name: TEST_AGENT.name, email: TEST_AGENT.email });
    assert.equal(idp.hits.token, tokenCalls + 1);
    assert.ok((await second.service.getAccessToken()).length > 20);
    assert.notEqual(await storedRefreshToken(store, idp), rtBefore, 'rotated token saved');
    assert.equal(second.desktop.opened.length, 0, 'no browser needed');
    await second.service.signOut();
  });

  it('forces a fresh login (prompt=login) after a shared-workstation sign-out, and always for shared_workstation providers', async () => {
    const { store } = freshKeychain();
    const h = await createHarness({ idp, store });
    await h.signIn();
    assert.equal(new URL(h.desktop.opened[0]!).searchParams.get('prompt'), null);
    await h.service.signOut({ forceLoginNextTime: true });
    const next = h.service.signIn(PROVIDER_ID);
    assert.equal(new URL(await h.desktop.nextOpened()).searchParams.get('prompt'), 'login');
    h.service.cancel();
    await assert.rejects(next, { code: 'LOGIN_CANCELLED' });

    const shared = await createHarness({ idp, store, providers: testProviderConfig(idp, 'custom-scheme', { shared_workstation: true }) });
    const attempt = shared.service.signIn(PROVIDER_ID);
    assert.equal(new URL(await shared.desktop.nextOpened()).searchParams.get('prompt'), 'login');
    shared.service.cancel();
    await assert.rejects(attempt, { code: 'LOGIN_CANCELLED' });
  });
});
