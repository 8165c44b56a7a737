import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from '@playwright/test';
import { launchChromium } from '../../support/chromium.js';
import { randomToken, startDesktopStack } from './support/desktop-stack.js';
import { openAgentDesktop, screenshots, signInThroughSystemBrowser } from './support/agent-journey.js';

const REFUSED =
  "Co-browse agent authentication failed: this desktop's agent token does not match the co-browse server's. Ask your administrator for the current token.";

describe('agent desktop (browser shell): the co-browse agent token', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('shows the refusal in plain words while the server logs a warning, and does not keep retrying', async (t) => {
    const stack = await startDesktopStack({ redirect: 'loopback', serverToken: randomToken(), desktopToken: randomToken() });
    t.after(() => stack.close());
    const page = await openAgentDesktop(browser, stack);
    await signInThroughSystemBrowser(browser, stack, page, 'loopback');

    // The visible paragraph (a screen-reader status line repeats it).
    await page.getByRole('paragraph').filter({ hasText: REFUSED }).waitFor();
    await screenshots('token-refused')(page, '01-refused');
    const warning = await stack.server.waitForLog((l) => l.code === 'AGENT_TOKEN_INVALID');
    assert.equal(warning.level, 40, 'a warning, as Genesys documents');
    assert.equal(await page.getByRole('button', { name: 'Retry' }).isVisible(), true);
    // A refusal retrying cannot fix stops the channel: no new attempts pile up in the server log.
    const refusals = () => stack.server.logs().filter((l) => l.code === 'AGENT_TOKEN_INVALID').length;
    const before = refusals();
    await page.waitForTimeout(3_000);
    assert.equal(refusals(), before);
  });

  it('is admitted without agent authentication when the server has no token configured', async (t) => {
    const stack = await startDesktopStack({ redirect: 'loopback', serverToken: null, desktopToken: null });
    t.after(() => stack.close());
    const page = await openAgentDesktop(browser, stack);
    await signInThroughSystemBrowser(browser, stack, page, 'loopback');
    await page.getByText('Admitted without agent authentication: the server has no agent token configured.').waitFor();
    await screenshots('token-not-configured')(page, '01-admitted-without-token');
  });
});
