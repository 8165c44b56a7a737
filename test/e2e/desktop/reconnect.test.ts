import { after, before, describe, it } from 'node:test';
import type { Browser } from '@playwright/test';
import { launchChromium } from '../../support/chromium.js';
import { randomToken, startDesktopStack } from './support/desktop-stack.js';
import { openAgentDesktop, screenshots, signInThroughSystemBrowser } from './support/agent-journey.js';

describe('agent desktop (browser shell): a dropped server connection', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('shows that it is reconnecting and recovers by itself when the server is back', async (t) => {
    const token = randomToken();
    const stack = await startDesktopStack({ redirect: 'loopback', serverToken: token, desktopToken: token });
    t.after(() => stack.close());
    const shot = screenshots('reconnect');
    const page = await openAgentDesktop(browser, stack);
    await signInThroughSystemBrowser(browser, stack, page, 'loopback');
    await page.getByText('Admitted with this desktop’s agent token.').waitFor();

    const restarted = stack.restartServer(4_000);
    await page.getByText(/^Reconnecting \(attempt \d+/).waitFor({ timeout: 15_000 });
    await shot(page, '01-reconnecting');
    await restarted;
    await page.getByText('Admitted with this desktop’s agent token.').waitFor({ timeout: 30_000 });
    await shot(page, '02-recovered');
  });
});
