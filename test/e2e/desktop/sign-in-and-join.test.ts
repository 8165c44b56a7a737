import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from '@playwright/test';
import { launchChromium } from '../../support/chromium.js';
import { AGENT, PROVIDER_LABEL, randomToken, startDesktopStack } from './support/desktop-stack.js';
import { createCustomerSession, openAgentDesktop, screenshots, signInThroughSystemBrowser, waitForSignInEntries } from './support/agent-journey.js';

describe('agent desktop (browser shell): sign in through the system browser and join a session', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('custom scheme: signs in, joins with a valid agent token, and signing out empties the keychain', async (t) => {
    const token = randomToken();
    const stack = await startDesktopStack({ redirect: 'custom-scheme', serverToken: token, desktopToken: token });
    t.after(() => stack.close());
    const shot = screenshots('custom-scheme');

    const page = await openAgentDesktop(browser, stack);
    await page.getByRole('button', { name: /^Sign in with/ }).waitFor();
    await shot(page, '01-sign-in');
    const system = await signInThroughSystemBrowser(browser, stack, page, 'custom-scheme');
    await shot(system, '02-provider-after-login');
    assert.equal(await page.locator('.agent-name').innerText(), AGENT.name);
    const kept = await waitForSignInEntries(stack, (a) => a.length > 0);
    assert.ok(kept.length > 0, 'the sign-in is kept in the keychain');

    await page.getByText('Admitted with this desktop’s agent token.').waitFor();
    await shot(page, '03-connected');

    const session = await createCustomerSession(stack.server.url);
    await page.getByLabel('Session code').fill(session.code);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.getByRole('heading', { name: /^In session/ }).waitFor();
    await shot(page, '04-joined');

    // Mid-session, Sign out is in the session bar's menu and asks before it ends the session.
    await page.getByText('More').click();
    await page.getByRole('button', { name: 'Sign out…' }).click();
    await page.getByRole('dialog', { name: 'End the session and sign out?' }).getByRole('button', { name: 'End session and sign out' }).click();
    await page.getByRole('button', { name: /^Sign in with/ }).waitFor();
    await shot(page, '05-signed-out');
    assert.deepEqual(await waitForSignInEntries(stack, (a) => a.length === 0), [], 'signing out removes the sign-in from the keychain');

    // The provider's browser session is still alive: the desktop offers to end it too.
    await page.getByText(`Your browser may still be signed in to ${PROVIDER_LABEL}`).waitFor();
    await page.getByRole('button', { name: `Sign out of ${PROVIDER_LABEL} too` }).click();
    const endSession = new URL(await stack.nextBrowserUrl());
    assert.equal(endSession.pathname, '/session/end');
    assert.equal(endSession.searchParams.has('id_token_hint'), false, 'no token in the URL');
    // A new tab of the same browser (its cookies hold the provider's session).
    const tab = await system.context().newPage();
    await tab.goto(endSession.href);
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.getByText('You are signed out').waitFor();
    await page.getByText(`${PROVIDER_LABEL}’s sign-out page was opened in your browser`).waitFor();
    await shot(page, '06-provider-signed-out');
  });

  it('loopback: the provider redirects to the desktop on 127.0.0.1 and the agent is signed in', async (t) => {
    const token = randomToken();
    const stack = await startDesktopStack({ redirect: 'loopback', serverToken: token, desktopToken: token });
    t.after(() => stack.close());
    const shot = screenshots('loopback');

    const page = await openAgentDesktop(browser, stack);
    const system = await signInThroughSystemBrowser(browser, stack, page, 'loopback');
    assert.match(system.url(), /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\/demo\?/);
    await shot(system, '01-loopback-page');
    await page.getByRole('heading', { name: 'Connected to the co-browse server' }).waitFor();
    await shot(page, '02-connected');
  });

  it('a page opened without the launch key cannot drive the desktop', async (t) => {
    const stack = await startDesktopStack({ redirect: 'loopback', serverToken: null, desktopToken: null });
    t.after(() => stack.close());
    const page = await (await browser.newContext()).newPage();
    await page.goto(stack.desktopUrl.replace(/#.*$/, ''));
    await page.getByText('opened without its launch key').waitFor();
    await screenshots('launch-key')(page, '01-refused');
  });
});
