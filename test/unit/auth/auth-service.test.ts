import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createAuthService } from '../../../src/auth/auth-service.js';
import { parseProvidersFile } from '../../../src/auth/provider-config.js';
import { REFRESH_BACKOFF_INITIAL_MS, REFRESH_MIN_INTERVAL_MS } from '../../../src/limits.js';
import { providerAccount } from '../../../src/vault/keychain-names.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';
import { FallbackSecretStore } from '../../../src/vault/fallback-secret-store.js';
import { FakeClock } from '../../integration/auth/helpers/fake-clock.js';
import { FakeDesktop } from '../../integration/auth/helpers/fake-desktop.js';

// An explicit-endpoint provider on a loopback port where nothing listens: the service can start a
// sign-in (no discovery needed) but every request to the provider fails at once.
const DEAD = 'http://127.0.0.1:9';
const providers = parseProvidersFile({
  providers: [
    {
      id: 'acme',
      label: 'ACME',
      issuer: DEAD,
      authorize_url: `${DEAD}/authorize`,
      token_url: `${DEAD}/token`,
      jwks_uri: `${DEAD}/jwks`,
      client_id: 'agentdesk',
      authorization_params: { audience: 'https://api.acme.example' },
    },
  ],
});

function setup(store = new MemorySecretStore(), clock = new FakeClock()) {
  const desktop = new FakeDesktop('/nonexistent');
  // The jitter pinned near its top: each wait is just under its ceiling.
  const service = createAuthService({ providers, desktop, secretStore: new FallbackSecretStore(store), logger: pino({ level: 'silent' }), clock, random: () => 0.999 });
  return { service, desktop, store, clock };
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 5));
}

describe('auth service (no provider reachable)', () => {
  it('opens the system browser on an authorization URL with PKCE S256, state, nonce and the configured extras', async () => {
    const { service, desktop } = setup();
    const states: string[] = [];
    service.onChange((s) => states.push(s.status));
    const done = service.signIn('acme');
    const url = new URL(await desktop.nextOpened());
    assert.equal(`${url.origin}${url.pathname}`, `${DEAD}/authorize`);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('client_id'), 'agentdesk');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('audience'), 'https://api.acme.example');
    assert.ok(url.searchParams.get('nonce'));
    const state = service.currentAgent();
    assert.equal(state.status, 'waiting');
    assert.equal(state.status === 'waiting' && state.providerLabel, 'ACME');
    service.cancel();
    await assert.rejects(done, { code: 'LOGIN_CANCELLED' });
    assert.deepEqual(states, ['waiting', 'signed-out']);
    assert.equal(service.pendingAuthorizationUrl(), null);
  });

  it('uses a fresh state, nonce and challenge for every attempt', async () => {
    const { service, desktop } = setup();
    const seen = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const done = service.signIn('acme');
      const q = new URL(await desktop.nextOpened()).searchParams;
      for (const k of ['state', 'nonce', 'code_challenge']) seen.add(`${k}=${q.get(k)}`);
      service.cancel();
      await assert.rejects(done, { code: 'LOGIN_CANCELLED' });
    }
    assert.equal(seen.size, 9);
  });

  it('ends with BROWSER_UNAVAILABLE when the system browser cannot be opened', async () => {
    const { service, desktop } = setup();
    desktop.failOpen = true;
    await assert.rejects(service.signIn('acme'), { code: 'BROWSER_UNAVAILABLE' });
    const state = service.currentAgent();
    assert.equal(state.status === 'signed-out' && state.reason?.code, 'BROWSER_UNAVAILABLE');
  });

  it('refuses an access token while signed out', async () => {
    await assert.rejects(setup().service.getAccessToken(), { code: 'NOT_SIGNED_IN' });
  });

  it('on restart with the provider unreachable, shows the stored agent and retries with a growing, jittered wait', async () => {
    const store = new MemorySecretStore();
    const clock = new FakeClock();
    await store.set(
      providerAccount('acme', 'agentdesk'),
      JSON.stringify({ v: 1, issuer: DEAD, client_id: 'agentdesk', refresh_token: 'rt', sub: 's', name: 'Ada', email: 'ada@acme.example', saved_at: 1 }),
    );
    const { service } = setup(store, clock);
    const state = await service.restore();
    assert.equal(state.status, 'signed-in');
    assert.deepEqual(state.status === 'signed-in' && state.agent, { name: 'Ada', email: 'ada@acme.example' });
    // The first wait is the floor between requests (half of 5 s would be under it).
    assert.deepEqual(clock.pending(), { count: 1, nextInMs: REFRESH_MIN_INTERVAL_MS });
    await assert.rejects(service.getAccessToken(), { code: 'PROVIDER_UNREACHABLE' });
    assert.equal(service.currentAgent().status, 'signed-in');
    assert.equal(clock.pending().nextInMs, REFRESH_MIN_INTERVAL_MS, 'asking for a token does not restart or shorten the wait');
    const waits: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      clock.advance(clock.pending().nextInMs!);
      assert.equal(clock.pending().count, 0, 'the retry is running');
      await waitFor(() => clock.pending().count === 1);
      waits.push(clock.pending().nextInMs!);
    }
    assert.deepEqual(
      waits.map((w) => Math.round(w / 1000)),
      [REFRESH_BACKOFF_INITIAL_MS * 2, REFRESH_BACKOFF_INITIAL_MS * 4, REFRESH_BACKOFF_INITIAL_MS * 8, 60_000, 60_000, 60_000].map((w) => Math.round((w * 0.9995) / 1000)),
      'the ceiling doubles up to the 60 s cap',
    );
    await service.dispose();
  });

  it('on restart, drops a keychain entry that does not match the configured provider', async () => {
    const store = new MemorySecretStore();
    const account = providerAccount('acme', 'agentdesk');
    await store.set(account, JSON.stringify({ v: 1, issuer: 'https://other.example', client_id: 'agentdesk', refresh_token: 'rt', sub: null, name: 'x', email: 'y', saved_at: 1 }));
    const { service } = setup(store);
    assert.equal((await service.restore()).status, 'signed-out');
    assert.equal(await store.get(account), null);
  });
});
