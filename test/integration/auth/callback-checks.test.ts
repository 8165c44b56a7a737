import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';
import { PENDING_LOGIN_TTL_MS } from '../../../src/limits.js';
import { FakeClock } from './helpers/fake-clock.js';
import { createHarness, PROVIDER_ID } from './helpers/sign-in-harness.js';
import { startTestProvider, type TestProvider } from './helpers/test-provider.js';

function withParams(url: string, changes: Record<string, string | null>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) u.searchParams.delete(k);
    else u.searchParams.set(k, v);
  }
  return u.href;
}

// Every refusal here happens before any token request: the provider's token endpoint count is the
// witness. The in-memory store implements the project's SecretStore; the keychain is not the subject.
describe('callback checks against a real provider', () => {
  let idp: TestProvider;
  before(async () => {
    idp = await startTestProvider();
  });
  after(async () => {
    await idp.close();
  });

  it('refuses a callback whose state is not the pending one, without a token request, and keeps waiting', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore() });
    const done = h.service.signIn(PROVIDER_ID);
    const redirect = await h.browse(await h.desktop.nextOpened());
    const tokenCalls = idp.hits.token;
    await assert.rejects(h.service.handleCallbackUrl(withParams(redirect, { state: 'A'.repeat(43) })), { code: 'STATE_MISMATCH' });
    assert.equal(idp.hits.token, tokenCalls);
    assert.equal(h.service.currentAgent().status, 'waiting');
    await h.service.handleCallbackUrl(redirect);
    assert.equal((await done).email, 'ada.agent@example.com');
    await h.service.signOut();
  });

  it('accepts a callback once: the replay is refused without a token request', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore() });
    const done = h.service.signIn(PROVIDER_ID);
    const redirect = await h.browse(await h.desktop.nextOpened());
    await h.service.handleCallbackUrl(redirect);
    await done;
    const tokenCalls = idp.hits.token;
    await assert.rejects(h.service.handleCallbackUrl(redirect), { code: 'STATE_MISMATCH' });
    assert.equal(idp.hits.token, tokenCalls);
    assert.equal(h.service.currentAgent().status, 'signed-in');
    await h.service.signOut();
  });

  it('refuses a response from another issuer (RFC 9207 iss), and one without iss when the provider promises it', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore() });
    const first = h.service.signIn(PROVIDER_ID);
    const redirect = await h.browse(await h.desktop.nextOpened());
    const tokenCalls = idp.hits.token;
    await assert.rejects(h.service.handleCallbackUrl(withParams(redirect, { iss: 'https://idp.attacker.example' })), { code: 'ISSUER_MISMATCH' });
    await assert.rejects(first, { code: 'ISSUER_MISMATCH' });
    assert.equal(idp.hits.token, tokenCalls);
    const state = h.service.currentAgent();
    assert.equal(state.status, 'signed-out');
    assert.equal(state.status === 'signed-out' && state.reason?.code, 'ISSUER_MISMATCH');

    const second = h.service.signIn(PROVIDER_ID);
    const redirect2 = await h.browse(await h.desktop.nextOpened());
    await assert.rejects(h.service.handleCallbackUrl(withParams(redirect2, { iss: null })), { code: 'ISSUER_MISMATCH' });
    await assert.rejects(second, { code: 'ISSUER_MISMATCH' });
    assert.equal(idp.hits.token, tokenCalls);
  });

  it('ends with ACCESS_DENIED when the agent cancels at the provider (error=access_denied)', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore() });
    const done = h.service.signIn(PROVIDER_ID);
    const redirect = await h.browse(await h.desktop.nextOpened(), { clickLink: /Cancel/ });
    assert.equal(new URL(redirect).searchParams.get('error'), 'access_denied');
    const tokenCalls = idp.hits.token;
    await assert.rejects(h.service.handleCallbackUrl(redirect), { code: 'ACCESS_DENIED' });
    await assert.rejects(done, { code: 'ACCESS_DENIED' });
    assert.equal(idp.hits.token, tokenCalls);
  });

  it('ends a pending sign-in with LOGIN_TIMEOUT after 5 minutes, and refuses the late callback', async () => {
    const clock = new FakeClock();
    const h = await createHarness({ idp, store: new MemorySecretStore(), clock });
    const done = h.service.signIn(PROVIDER_ID);
    const redirect = await h.browse(await h.desktop.nextOpened());
    clock.advance(PENDING_LOGIN_TTL_MS - 1);
    assert.equal(h.service.currentAgent().status, 'waiting');
    clock.advance(1);
    await assert.rejects(done, { code: 'LOGIN_TIMEOUT' });
    const state = h.service.currentAgent();
    assert.equal(state.status === 'signed-out' && state.reason?.code, 'LOGIN_TIMEOUT');
    const tokenCalls = idp.hits.token;
    await assert.rejects(h.service.handleCallbackUrl(redirect), { code: 'STATE_MISMATCH' });
    assert.equal(idp.hits.token, tokenCalls);
  });

  it('closes the loopback listener when the pending sign-in times out', async () => {
    const clock = new FakeClock();
    const h = await createHarness({ idp, store: new MemorySecretStore(), clock, mode: 'loopback' });
    const done = h.service.signIn(PROVIDER_ID);
    const redirectUri = new URL(await h.desktop.nextOpened()).searchParams.get('redirect_uri') ?? '';
    clock.advance(PENDING_LOGIN_TTL_MS);
    await assert.rejects(done, { code: 'LOGIN_TIMEOUT' });
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(fetch(`${redirectUri}?code=x&state=y`), /fetch failed/);
  });

  it('fails a code injected with another attempt\'s state: PKCE makes the provider refuse it', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore() });
    // Attempt A: the attacker's code, obtained with a verifier the app never had.
    const a = h.service.signIn(PROVIDER_ID);
    const redirectA = await h.browse(await h.desktop.nextOpened());
    h.service.cancel();
    await assert.rejects(a, { code: 'LOGIN_CANCELLED' });
    // Attempt B: the victim's pending sign-in; the attacker plants code A under B's state.
    const b = h.service.signIn(PROVIDER_ID);
    const stateB = new URL(await h.desktop.nextOpened()).searchParams.get('state') ?? '';
    const tokenCalls = idp.hits.token;
    await assert.rejects(h.service.handleCallbackUrl(withParams(redirectA, { state: stateB })), { code: 'INVALID_GRANT' });
    await assert.rejects(b, { code: 'INVALID_GRANT' });
    assert.equal(idp.hits.token, tokenCalls + 1, 'the token request was made and refused by the provider');
    assert.equal(h.service.currentAgent().status, 'signed-out');
  });

  it('refuses callbacks of the wrong shape (path, scheme, extra or repeated parameters) and keeps waiting', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore() });
    const done = h.service.signIn(PROVIDER_ID);
    const redirect = await h.browse(await h.desktop.nextOpened());
    const u = new URL(redirect);
    const tokenCalls = idp.hits.token;
    const bad = [
      redirect.replace('/oauth/callback', '/oauth/other'),
      redirect.replace('com.agentdesk.desktop:', 'com.evil.desktop:'),
      `${redirect}&access_token=x`,
      `${redirect}&code=second`,
      `${redirect}#frag`,
      `com.agentdesk.desktop:/oauth/callback?code=${u.searchParams.get('code')}`,
      `com.agentdesk.desktop:/oauth/callback?${'a'.repeat(9000)}`,
      'not a url',
    ];
    for (const url of bad) {
      await assert.rejects(h.service.handleCallbackUrl(url), { code: 'CALLBACK_INVALID' }, url.slice(0, 80));
    }
    assert.equal(idp.hits.token, tokenCalls);
    assert.equal(h.service.currentAgent().status, 'waiting');
    await h.service.handleCallbackUrl(redirect);
    await done;
    const logs = h.logs();
    assert.match(logs, /callback refused/);
    assert.ok(!logs.includes(u.searchParams.get('code')!), 'no authorization code in the logs');
    assert.ok(!logs.includes(u.searchParams.get('state')!), 'no state in the logs');
    await h.service.signOut();
  });

  it('allows one sign-in at a time', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore() });
    const first = h.service.signIn(PROVIDER_ID);
    await h.desktop.nextOpened();
    await assert.rejects(h.service.signIn(PROVIDER_ID), { code: 'LOGIN_IN_PROGRESS' });
    await assert.rejects(h.service.signIn('no-such-provider'), { code: 'LOGIN_IN_PROGRESS' });
    h.service.cancel();
    await assert.rejects(first, { code: 'LOGIN_CANCELLED' });
    await assert.rejects(h.service.signIn('no-such-provider'), { code: 'PROVIDER_UNKNOWN' });
  });
});
