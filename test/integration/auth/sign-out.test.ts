import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_MESSAGES } from '../../../common/errors.js';
import type { Harness } from './helpers/sign-in-harness.js';
import { parseProvidersFile } from '../../../src/auth/provider-config.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';
import { createHarness, PROVIDER_ID, testProviderConfig } from './helpers/sign-in-harness.js';
import { POST_LOGOUT_REDIRECT, providerAcceptsRefreshToken, startTestProvider, type TestProvider } from './helpers/test-provider.js';

const LOGIN_STEP = /\/interaction\/[^/]+\/login$/;

/** How many times the agent typed a password in this harness's browser so far. */
function logins(h: Harness): number {
  return h.browser.visited.filter((u) => LOGIN_STEP.test(u)).length;
}

/** Plays the system browser on the page the desktop opened for end-session, up to the provider's redirect back. */
async function followEndSession(h: Harness, url: string): Promise<string> {
  return h.browser.authorize(url, { isAppRedirect: (u) => u.startsWith(POST_LOGOUT_REDIRECT), stopAtPage: true });
}

function noTokenIn(idp: TestProvider, text: string): void {
  for (const token of idp.issuedTokens) assert.ok(!text.includes(token), 'a token appears in an opened URL');
}

describe('sign-out at the provider: revocation and end-session', () => {
  let idp: TestProvider;
  before(async () => {
    idp = await startTestProvider();
  });
  after(async () => {
    await idp.close();
  });

  it('without end-session the provider session stays (next sign-in needs no password); taking the offer ends it', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore(), providers: testProviderConfig(idp, 'custom-scheme', { post_logout_redirect_uri: POST_LOGOUT_REDIRECT }) });
    await h.signIn();
    assert.equal(logins(h), 1);
    const first = await h.service.signOut();
    assert.deepEqual(first && { revocation: first.revocation, endSession: first.endSession, notices: first.notices }, { revocation: 'revoked', endSession: 'offered', notices: [] });
    const opened = h.desktop.opened.length;
    // The agent did not take the offer: the provider's browser session signs the next agent in.
    await h.signIn();
    assert.equal(logins(h), 1, 'signed in again without a password');

    const rt = [...idp.issuedTokens];
    await h.service.signOut();
    const state = h.service.currentAgent();
    assert.equal(state.status === 'signed-out' && state.signOut?.endSession, 'offered');
    assert.equal(h.desktop.opened.length, opened + 1, 'nothing opened before the agent asks');
    await h.service.endProviderSession();
    const page = new URL(await h.desktop.nextOpened());
    assert.equal(`${page.origin}${page.pathname}`, `${idp.issuer}/session/end`);
    assert.deepEqual([...page.searchParams.keys()].sort(), ['client_id', 'post_logout_redirect_uri']);
    noTokenIn(idp, h.desktop.opened.join('\n'));
    const back = await followEndSession(h, page.href);
    assert.ok(back.startsWith(POST_LOGOUT_REDIRECT), `the provider sent the browser to the post-logout address (${back}: ${h.browser.lastPage.slice(0, 300)})`);
    noTokenIn(idp, back);
    const after = h.service.currentAgent();
    assert.equal(after.status === 'signed-out' && after.signOut?.endSession, 'performed');
    await assert.rejects(h.service.endProviderSession(), { code: 'END_SESSION_UNAVAILABLE' }, 'offered once');

    await h.signIn();
    assert.equal(logins(h), 2, 'after end-session the provider asks for the password again');
    assert.ok(rt.length > 0);
    await h.service.signOut();
  });

  it('on a shared workstation (administrator file) every sign-in asks for the password and sign-out performs end-session', async () => {
    const providers = parseProvidersFile({
      shared_workstation: true,
      providers: [{ id: PROVIDER_ID, label: 'Test IdP', issuer: idp.issuer, client_id: idp.clientId, post_logout_redirect_uri: POST_LOGOUT_REDIRECT }],
    });
    const h = await createHarness({ idp, store: new MemorySecretStore(), providers });
    await h.signIn();
    assert.equal(new URL(h.desktop.opened[0]!).searchParams.get('prompt'), 'login');
    const opened = h.desktop.opened.length;
    const report = await h.service.signOut();
    assert.equal(report?.endSession, 'performed');
    assert.equal(h.desktop.opened.length, opened + 1, 'the end-session page was opened without asking');
    const back = await followEndSession(h, await h.desktop.nextOpened());
    assert.ok(back.startsWith(POST_LOGOUT_REDIRECT));
    await h.signIn();
    assert.equal(logins(h), 2, 'the next agent types a password');
    await h.service.signOut();
  });

  it('sends id_token_hint only to a provider set to need it', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore(), providers: testProviderConfig(idp, 'custom-scheme', { end_session_id_token_hint: true }) });
    await h.signIn();
    await h.service.signOut({ endSession: true });
    const url = await h.desktop.nextOpened();
    const hint = new URL(url).searchParams.get('id_token_hint');
    assert.ok(hint && idp.issuedTokens.has(hint), 'the ID token of this sign-in');
    assert.ok((await followEndSession(h, url)).startsWith(POST_LOGOUT_REDIRECT) === false, 'no post-logout address configured: the provider shows its own page');
  });

  it('a refused revocation is told in plain words: the sign-in may still be valid at the provider', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore() });
    await h.signIn();
    // What a provider that revokes only for confidential clients answers a public client.
    idp.revocationRefusal = { status: 401, body: '{"error":"invalid_client"}', contentType: 'application/json' };
    const refreshTokens = [...idp.issuedTokens];
    try {
      const report = await h.service.signOut();
      assert.equal(report?.revocation, 'failed');
      assert.deepEqual(
        report?.notices.map((n) => n.code),
        ['SIGN_OUT_NOT_REVOKED'],
      );
      assert.match(report!.notices[0]!.message, /may still be valid at the provider until it expires/);
      const state = h.service.currentAgent();
      assert.equal(state.status === 'signed-out' && state.signOut?.notices[0]?.code, 'SIGN_OUT_NOT_REVOKED');
    } finally {
      idp.revocationRefusal = null;
    }
    // It is true: the provider still accepts the refresh token.
    const stillValid = await Promise.all(refreshTokens.map((t) => providerAcceptsRefreshToken(idp, t).catch(() => false)));
    assert.ok(stillValid.includes(true));
    // The next sign-in clears the report.
    await h.signIn();
    await h.service.signOut();
    const state = h.service.currentAgent();
    assert.deepEqual(state.status === 'signed-out' && state.signOut?.notices, []);
  });
});

describe('sign-out with a provider that has no revocation endpoint', () => {
  let idp: TestProvider;
  before(async () => {
    idp = await startTestProvider({ revocation: false });
  });
  after(async () => {
    await idp.close();
  });

  it('signs out locally and says the sign-in may still be valid at the provider', async () => {
    const h = await createHarness({ idp, store: new MemorySecretStore() });
    await h.signIn();
    const report = await h.service.signOut();
    assert.equal(report?.revocation, 'unsupported');
    assert.deepEqual(report?.notices, [{ code: 'SIGN_OUT_REVOCATION_UNSUPPORTED', message: ERROR_MESSAGES.SIGN_OUT_REVOCATION_UNSUPPORTED }]);
    assert.equal(idp.hits.revocation, 0);
    assert.equal(h.service.currentAgent().status, 'signed-out');
  });
});
