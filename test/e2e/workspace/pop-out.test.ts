// The pop-out window in the browser shell, in Chromium on the demo site with the real snippet: the
// agent moves the live mirror into its own window and back while the session goes on. The pop-out
// is a second client of the same host (its own socket, the same state and page frames); the main
// window shows "The view is in its own window" with its bar still working. Brought back by the
// main window's button, by the pop-out's own button, by closing the pop-out, and closed with the
// session. axe-core on both windows while popped out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { REPO_ROOT } from '../../integration/server/helpers/server-process.js';
import { snippetUi, type SnippetUiDriver } from '../../support/snippet-ui.js';
import { screenshots } from '../desktop/support/agent-journey.js';
import { AGENT, randomToken, startDesktopStack, type DesktopStack } from '../desktop/support/desktop-stack.js';
import { launchBrowser, openCustomer, seriousViolations, type AxeViolation } from './support/workspace-stack.js';

const SNIPPET = join(REPO_ROOT, 'dist/snippet/agentdesk-cobrowse.js');
const HEADING = 'File a car insurance claim';

function noSerious(where: string, violations: readonly AxeViolation[]): void {
  assert.deepEqual(violations, [], `${where}: serious or critical accessibility violations`);
}

/** The value of the Full name field as the page's mirror shows it. */
const mirroredName = (page: Page, value: string) =>
  page.waitForFunction(`(() => { const f = document.querySelector('.mirror-stage iframe'); const el = f && f.contentDocument && f.contentDocument.getElementById('full-name'); return !!el && el.value === ${JSON.stringify(value)}; })()`, undefined, { timeout: 10_000 });

describe('the pop-out window (browser shell)', { skip: existsSync(SNIPPET) ? false : 'the snippet is not built (npm run build:snippet)' }, () => {
  let browser: Browser;
  let stack: DesktopStack;
  let agent: Page;
  let customer: Page;
  let ui: SnippetUiDriver;
  const shot = screenshots('workspace');

  /** Presses Pop out in the main window; the pop-out window, once it shows the customer's page. */
  async function popOut(): Promise<Page> {
    const [popup] = await Promise.all([agent.waitForEvent('popup'), agent.getByRole('button', { name: 'Pop out' }).click()]);
    await popup.frameLocator('.mirror-stage iframe').getByRole('heading', { name: HEADING }).waitFor({ timeout: 15_000 });
    await agent.getByTestId('popped-out').waitFor();
    return popup;
  }

  /** The main window shows the mirror again, with the customer's page in it. */
  async function mirrorBack(): Promise<void> {
    await agent.frameLocator('.mirror-stage iframe').getByRole('heading', { name: HEADING }).waitFor({ timeout: 10_000 });
    assert.equal(await agent.getByTestId('popped-out').count(), 0, 'no popped-out notice once the view is back');
  }

  before(async () => {
    browser = await launchBrowser();
    const token = randomToken();
    stack = await startDesktopStack({ redirect: 'loopback', serverToken: token, desktopToken: token });
    // bypassCSP only lets the test inject axe-core; the renderer's own policy is tested elsewhere.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    agent = await context.newPage();
    await agent.goto(stack.desktopUrl);
    await agent.getByRole('button', { name: /^Sign in with/ }).click();
    const system = await (await browser.newContext()).newPage();
    await system.goto(await stack.nextBrowserUrl());
    await system.getByLabel('Email').fill(AGENT.email);
    await system.getByLabel('Password').fill(AGENT.password);
    await system.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('heading', { name: 'Connected to the co-browse server' }).waitFor({ timeout: 15_000 });
    await system.context().close();
    let code: string;
    ({ page: customer, code } = await openCustomer(browser, stack.server.url));
    ui = snippetUi(customer);
    await agent.getByLabel('Session code').fill(code);
    await agent.getByRole('button', { name: 'Join' }).click();
    await agent.frameLocator('.mirror-stage iframe').getByRole('heading', { name: HEADING }).waitFor({ timeout: 15_000 });
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('pops the view out: the pop-out shows the customer typing live, the main window says where the view is and its bar still works (both pass axe)', async () => {
    const popup = await popOut();
    // The launch key came in the pop-out's fragment and left its address bar at once.
    assert.equal(new URL(popup.url()).search, '?view=pop-out');
    assert.equal(new URL(popup.url()).hash, '');
    assert.match(await popup.title(), /^Customer’s page · Session \d{3} \d{3} \d{3} · AgentDesk$/);

    // The main window: no mirror of its own, a clear way back, and the live bar.
    await agent.getByRole('heading', { name: 'The view is in its own window' }).waitFor();
    assert.equal(await agent.locator('.mirror-stage iframe').count(), 0, 'the main window no longer renders the mirror');
    await agent.getByRole('button', { name: 'Bring it back' }).waitFor();
    assert.equal(await agent.getByTestId('live-status').textContent(), 'Live');
    assert.equal(await agent.getByRole('button', { name: 'Leave session' }).count(), 1);
    noSerious('main window, view popped out', await seriousViolations(agent));
    noSerious('pop-out window', await seriousViolations(popup));
    await shot(agent, '20-main-popped-out');
    await shot(popup, '21-pop-out-window');

    // The customer types: the pop-out's mirror follows.
    await customer.locator('#full-name').fill('Pia Popout');
    await mirroredName(popup, 'Pia Popout');

    // The main window's bar still acts on the session: it asks for control, the customer approves,
    // and both windows show write mode; then it gives control back.
    await agent.getByRole('button', { name: 'Request control' }).click();
    await ui.click('Approve');
    await agent.getByTestId('control-state').getByText('Write mode').waitFor();
    await popup.getByTestId('control-state').getByText('Write mode').waitFor();
    await agent.getByRole('button', { name: 'Release control' }).click();
    await popup.getByTestId('control-state').getByText('Pointer mode').waitFor({ state: 'attached' });

    // "Bring it back" in the main window: the pop-out closes, the main mirror shows the page as it is now.
    await Promise.all([popup.waitForEvent('close'), agent.getByRole('button', { name: 'Bring it back' }).click()]);
    await mirrorBack();
    await mirroredName(agent, 'Pia Popout');
    await customer.locator('#full-name').fill('Pia Back');
    await mirroredName(agent, 'Pia Back');
  });

  it('closing the pop-out window brings the view back to the main window', async () => {
    const popup = await popOut();
    await customer.locator('#full-name').fill('Pia Closed');
    await mirroredName(popup, 'Pia Closed');
    await popup.close();
    await mirrorBack();
    await mirroredName(agent, 'Pia Closed');
    await customer.locator('#full-name').fill('Pia After Close');
    await mirroredName(agent, 'Pia After Close');
  });

  it('“Bring back” in the pop-out returns the view; Leave in the main window closes the pop-out with the session', async () => {
    let popup = await popOut();
    await Promise.all([popup.waitForEvent('close'), popup.getByRole('button', { name: 'Bring back' }).click()]);
    await mirrorBack();

    popup = await popOut();
    await Promise.all([popup.waitForEvent('close'), agent.getByRole('button', { name: 'Leave session' }).click()]);
    await agent.getByRole('heading', { name: 'Join a session' }).waitFor({ timeout: 10_000 });
    await ui.waitForText('The agent ended co-browse.');
  });
});
