import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import type { Browser, Page } from '@playwright/test';
import { startIdentityProvider, type RunningIdentityProvider } from '../../../demo/identity-provider.js';
import { launchChromium } from '../../support/chromium.js';

const REDIRECT = 'com.agentdesk.desktop:/oauth/callback';
const AUDIENCE = 'http://127.0.0.1:8700';
const isInvalidGrant = (e: unknown) => e instanceof oidc.ResponseBodyError && e.error === 'invalid_grant';
const AGENT = { sub: 'agent-1', email: 'ada@example.test', name: 'Ada Agent', password: 'correct horse battery' };

describe('demo identity provider (oidc-provider) in a real browser', () => {
  let idp: RunningIdentityProvider;
  let browser: Browser;
  let config: oidc.Configuration;

  before(async () => {
    idp = await startIdentityProvider({
      accounts: [AGENT],
      clients: [{ clientId: 'agentdesk', redirectUris: [REDIRECT, 'http://127.0.0.1/oauth/callback'] }],
      accessTokenAudience: AUDIENCE,
    });
    browser = await launchChromium();
    config = await oidc.discovery(new URL(idp.issuer), 'agentdesk', undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
  });

  after(async () => {
    await browser?.close();
    await idp?.close();
  });

  async function startAuthorization(page: Page) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid email profile offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      prompt: 'consent',
    });
    await page.goto(url.href);
    return { verifier, state, nonce };
  }

  /** Submits the form and returns the custom-scheme URL the browser was sent to. */
  async function submitAndCaptureRedirect(page: Page, submit: () => Promise<void>): Promise<URL> {
    const redirected = page.waitForRequest((r) => r.url().startsWith('com.agentdesk.desktop:'), { timeout: 10_000 });
    await submit().catch(() => {});
    return new URL((await redirected).url());
  }

  it('shows a login form labelled Email and Password, and tells a wrong password plainly', async () => {
    const page = await browser.newPage();
    await startAuthorization(page);
    await page.getByLabel('Email').fill(AGENT.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /do not match/);
    await page.close();
  });

  it('signs the agent in with PKCE and issues a JWT access token for the co-browse server', async () => {
    const page = await browser.newPage();
    const { verifier, state, nonce } = await startAuthorization(page);
    await page.getByLabel('Email').fill(AGENT.email);
    await page.getByLabel('Password').fill(AGENT.password);
    const callback = await submitAndCaptureRedirect(page, () => page.getByRole('button', { name: 'Sign in' }).click());
    await page.close();

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    assert.equal(tokens.claims()?.email, AGENT.email);
    assert.equal(tokens.claims()?.name, AGENT.name);
    const access = decodeJwt(tokens.access_token);
    assert.equal(access.aud, AUDIENCE);
    assert.equal(access.iss, idp.issuer);
    assert.equal(access.sub, AGENT.sub);
    assert.equal(access.email, AGENT.email);
    assert.ok(tokens.refresh_token, 'a refresh token for offline_access');

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(refreshed.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), isInvalidGrant, 'a used refresh token is refused');
  });

  it('refuses a code redeemed without its PKCE verifier', async () => {
    const page = await browser.newPage();
    const { state, nonce } = await startAuthorization(page);
    const callback = await submitAndCaptureRedirect(page, async () => {
      // The provider remembers the agent's session from the previous test: the redirect may come at once.
      if (await page.getByLabel('Email').isVisible().catch(() => false)) {
        await page.getByLabel('Email').fill(AGENT.email);
        await page.getByLabel('Password').fill(AGENT.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
      }
    });
    await page.close();
    await assert.rejects(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: state,
        expectedNonce: nonce,
      }),
      isInvalidGrant,
    );
  });

  it('returns access_denied to the app when the agent presses Cancel', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { state } = await startAuthorization(page);
    const callback = await submitAndCaptureRedirect(page, () => page.getByRole('button', { name: 'Cancel' }).click());
    await context.close();
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('state'), state);
  });
});
