import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair } from 'jose';
import { ERROR_MESSAGES } from '../../../common/errors.js';
import type { AuthService } from '../../../src/auth/auth-service.js';
import { REFRESH_MIN_INTERVAL_MS } from '../../../src/limits.js';
import { providerAccount } from '../../../src/vault/keychain-names.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';
import { FakeClock } from './helpers/fake-clock.js';
import { createHarness, PROVIDER_ID } from './helpers/sign-in-harness.js';
import { startTestProvider, TEST_AGENT, type TestProvider } from './helpers/test-provider.js';

// A provider whose access tokens live 20 s: the lifetime that made the desktop refresh without
// pause (skew 60 s > lifetime). Time is the fake clock's; every request is real.
const SHORT_TTL_S = 20;

/** Waits for real I/O started by fake-clock timers (HTTP to the provider) to settle. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function reasonCode(h: { readonly service: AuthService }): string | null {
  const state = h.service.currentAgent();
  return state.status === 'signed-out' ? (state.reason?.code ?? null) : null;
}

describe('refresh against a provider with 20 s access tokens', () => {
  let idp: TestProvider;
  before(async () => {
    idp = await startTestProvider({ accessTokenTtl: SHORT_TTL_S });
  });
  after(async () => {
    await idp.close();
  });

  it('refreshes once per half lifetime while callers ask for a token 20 times a second: no refresh storm', async () => {
    const clock = new FakeClock();
    const h = await createHarness({ idp, store: new MemorySecretStore(), clock });
    await h.signIn();
    const before = idp.hits.token;
    const seen = new Set<string>();
    const WINDOW_S = 120;
    for (let s = 0; s < WINDOW_S; s += 1) {
      clock.advance(1000);
      // What the co-browse channel does on every try: ask for a fresh token.
      const tokens = await Promise.all(Array.from({ length: 20 }, () => h.service.getAccessToken()));
      for (const t of tokens) seen.add(t);
    }
    const requests = idp.hits.token - before;
    // The skew is half of 20 s: one refresh every 10 s, 12 in two minutes (the old schedule sent
    // one after another without pause).
    assert.equal(requests, WINDOW_S / (SHORT_TTL_S / 2), `${requests} token requests in ${WINDOW_S} s`);
    assert.equal(seen.size, requests + 1, 'every refresh gave the callers a new token');
    assert.equal(h.service.currentAgent().status, 'signed-in');
    await h.service.signOut();
  });

  it('a refresh refused with an empty 400 signs the agent out at once with the plain message, and asks no more', async () => {
    const clock = new FakeClock();
    const store = new MemorySecretStore();
    const h = await createHarness({ idp, store, clock });
    await h.signIn();
    idp.tokenRefusal = { status: 400, body: '' };
    try {
      const before = idp.hits.token;
      clock.advance((SHORT_TTL_S / 2) * 1000);
      await until(() => h.service.currentAgent().status === 'signed-out', 'sign-out');
      assert.equal(idp.hits.token - before, 1, 'one refused request, no retry');
      assert.equal(reasonCode(h), 'SIGN_IN_ENDED');
      const state = h.service.currentAgent();
      assert.equal(state.status === 'signed-out' && state.reason?.message, 'Your sign-in ended at your identity provider. Sign in again.');
      assert.equal(await store.get(providerAccount(PROVIDER_ID, idp.clientId)), null, 'keychain entry removed');
      await assert.rejects(h.service.getAccessToken(), { code: 'NOT_SIGNED_IN' });
      clock.advance(10 * 60_000);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(idp.hits.token - before, 1, 'nothing retried later either');
    } finally {
      idp.tokenRefusal = null;
    }
  });

  for (const [label, refusal] of [
    ['an HTML 401', { status: 401, body: '<html>Unauthorized</html>', contentType: 'text/html' }],
    ['a 403 JSON without error', { status: 403, body: '{}', contentType: 'application/json' }],
  ] as const) {
    it(`${label} from the token endpoint on restore ends the sign-in the same way`, async () => {
      const store = new MemorySecretStore();
      const first = await createHarness({ idp, store });
      await first.signIn();
      await first.service.dispose();
      idp.tokenRefusal = refusal;
      try {
        const second = await createHarness({ idp, store });
        const state = await second.service.restore();
        assert.equal(state.status, 'signed-out');
        assert.equal(reasonCode(second), 'SIGN_IN_ENDED');
        assert.equal(await store.get(providerAccount(PROVIDER_ID, idp.clientId)), null);
      } finally {
        idp.tokenRefusal = null;
      }
    });
  }

  it('a 503 or 429 is not a refusal: the agent stays signed in and a jittered retry follows', async () => {
    for (const status of [503, 429]) {
      const clock = new FakeClock();
      const h = await createHarness({ idp, store: new MemorySecretStore(), clock });
      await h.signIn();
      idp.tokenRefusal = { status, body: '', contentType: 'text/plain' };
      try {
        const before = idp.hits.token;
        clock.advance((SHORT_TTL_S / 2) * 1000);
        await until(() => idp.hits.token - before === 1 && clock.pending().count === 1, 'a retry scheduled');
        assert.equal(h.service.currentAgent().status, 'signed-in', `HTTP ${status} keeps the agent signed in`);
        const wait = clock.pending().nextInMs!;
        assert.ok(wait >= REFRESH_MIN_INTERVAL_MS, `retry after ${wait} ms`);
        // Asking for a token while the retry waits sends nothing (the old token is still valid).
        await h.service.getAccessToken();
        assert.equal(idp.hits.token - before, 1);
      } finally {
        idp.tokenRefusal = null;
      }
      clock.advance(clock.pending().nextInMs!);
      await until(() => clock.pending().count === 1 && clock.pending().nextInMs === (SHORT_TTL_S / 2) * 1000, 'the retry to succeed');
      assert.equal(h.service.currentAgent().status, 'signed-in');
      await h.service.signOut();
    }
  });
});

describe('a provider that issues no refresh token (20 s access tokens)', () => {
  let idp: TestProvider;
  before(async () => {
    idp = await startTestProvider({ accessTokenTtl: SHORT_TTL_S, refreshTokens: false });
  });
  after(async () => {
    await idp.close();
  });

  it('keeps the agent signed in until the access token expires, then signs out with SIGN_IN_EXPIRED, without asking the provider', async () => {
    const clock = new FakeClock();
    const store = new MemorySecretStore();
    const h = await createHarness({ idp, store, clock });
    await h.signIn();
    const before = idp.hits.token;
    const token = await h.service.getAccessToken();
    assert.equal(await store.get(providerAccount(PROVIDER_ID, idp.clientId)), null, 'nothing to keep in the keychain without a refresh token');
    clock.advance(SHORT_TTL_S * 1000 - 1000);
    assert.equal(h.service.currentAgent().status, 'signed-in', 'past the refresh time, still signed in');
    assert.equal(await h.service.getAccessToken(), token, 'the same token while it lasts');
    clock.advance(1000);
    await until(() => reasonCode(h) !== null, 'signed out at expiry');
    assert.equal(reasonCode(h), 'SIGN_IN_EXPIRED');
    assert.equal(idp.hits.token, before, 'no token request: there was nothing to refresh with');
  });
});

describe('ID token checks on sign-in and refresh', () => {
  let idp: TestProvider;
  let foreignJwks: { keys: object[] };
  before(async () => {
    idp = await startTestProvider({ accessTokenTtl: 600 });
    // Another key under the same kid: only a real signature check can tell the difference.
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    foreignJwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' }] };
  });
  after(async () => {
    await idp.close();
  });

  it('refuses a sign-in whose ID token is not signed by a key of the provider JWKS', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore() });
    idp.jwksOverride = foreignJwks;
    try {
      const done = h.service.signIn(PROVIDER_ID);
      const redirect = await h.browse(await h.desktop.nextOpened());
      await assert.rejects(h.service.handleCallbackUrl(redirect), { code: 'ID_TOKEN_INVALID' });
      await assert.rejects(done, { code: 'ID_TOKEN_INVALID' });
      assert.equal(h.service.currentAgent().status, 'signed-out');
    } finally {
      idp.jwksOverride = null;
    }
    const ok = await createHarness({ idp, store: new MemorySecretStore() });
    assert.equal((await ok.signIn()).email, TEST_AGENT.email, 'the same flow passes with the real JWKS');
    await ok.service.signOut();
  });

  it('signs the agent out when a refresh returns an ID token the JWKS does not verify', async () => {
    const store = new MemorySecretStore();
    const first = await createHarness({ idp, store });
    await first.signIn();
    await first.service.dispose();
    idp.jwksOverride = foreignJwks;
    try {
      const second = await createHarness({ idp, store });
      assert.equal((await second.service.restore()).status, 'signed-out');
      assert.equal(reasonCode(second), 'ID_TOKEN_INVALID');
    } finally {
      idp.jwksOverride = null;
    }
  });

  it('signs the agent out when a refreshed ID token names another sub (OIDC Core §12.2)', async () => {
    const clock = new FakeClock();
    const store = new MemorySecretStore();
    const h = await createHarness({ idp, store, clock });
    await h.signIn();
    idp.accountIdOverride = 'agent-2';
    try {
      clock.advance(600_000);
      await assert.rejects(h.service.getAccessToken(), { code: 'ID_TOKEN_SUBJECT_CHANGED' });
      assert.equal(reasonCode(h), 'ID_TOKEN_SUBJECT_CHANGED');
      const state = h.service.currentAgent();
      assert.equal(state.status === 'signed-out' && state.reason?.message, ERROR_MESSAGES.ID_TOKEN_SUBJECT_CHANGED);
      assert.equal(await store.get(providerAccount(PROVIDER_ID, idp.clientId)), null);
    } finally {
      idp.accountIdOverride = null;
    }
  });
});
