// The agent's view with the real customer snippet (dist/snippet/agentdesk-cobrowse.js, served by the
// real server at /cobrowse/snippet.js) on the customer's page: the customer starts co-browse from
// the launcher, reads the code, the agent joins, sees the page move as they type, asks for control,
// the customer approves in the banner, the agent types, the customer takes control back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type FrameLocator, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium.js';
import { snippetUi } from '../../support/snippet-ui.js';
import { openAgentDesktop, screenshots, signInThroughSystemBrowser } from '../desktop/support/agent-journey.js';
import { randomToken, startDesktopStack, type DesktopStack } from '../desktop/support/desktop-stack.js';
import { CUSTOMER_SITE } from './support/customer-site.js';

const CANARY = 'Snippet-Canary-93be1f';

function claimPage(serverUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Claim form — Example Insurance</title></head><body>
  <h1>Claim form</h1>
  <p id="status">Tell us what happened.</p>
  <label for="name">Full name</label> <input id="name">
  <label for="password">Password</label> <input id="password" type="password">
  <button type="submit">Submit claim</button>
  <script src="${serverUrl}/cobrowse/snippet.js" data-server="${serverUrl}"></script>
  </body></html>`;
}

describe('live co-browse with the real customer snippet', () => {
  let browser: Browser;
  let stack: DesktopStack;
  let agent: Page;
  let customer: Page;
  let mirror: FrameLocator;
  const shot = screenshots('live-snippet');

  before(async () => {
    // The customer site is a public origin and the test's server is on 127.0.0.1: Chromium's
    // local-network-access checks would stop the page reaching it (a real deployment's server is public).
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights'],
    });
    const token = randomToken();
    stack = await startDesktopStack({ redirect: 'loopback', serverToken: token, desktopToken: token });
    agent = await openAgentDesktop(browser, stack);
    await signInThroughSystemBrowser(browser, stack, agent, 'loopback');
    await agent.getByRole('heading', { name: 'Connected to the co-browse server' }).waitFor();
    mirror = agent.frameLocator('.mirror-stage iframe');
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.route(`${CUSTOMER_SITE}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: claimPage(stack.server.url) }));
    customer = await context.newPage();
    await customer.goto(`${CUSTOMER_SITE}/claim`);
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('the customer starts co-browse, the agent joins with the code and sees the page', async () => {
    const ui = snippetUi(customer);
    await ui.click('Co-browse');
    const code = await ui.code();
    assert.match(code, /^\d{9}$/);
    await agent.getByLabel('Session code').fill(code);
    await agent.getByRole('button', { name: 'Join', exact: true }).click();
    await mirror.getByRole('heading', { name: 'Claim form' }).waitFor({ timeout: 10_000 });
    await shot(agent, '01-joined');
  });

  it('sees the page move as the customer types, never a masked value', async () => {
    await customer.getByLabel('Full name').fill('Grace Hopper');
    await customer.getByLabel('Password').fill(CANARY);
    await agent.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { contentDocument: { querySelector(s: string): { value: string } | null } | null } | null } }).document;
      return doc.querySelector('.mirror-stage iframe')?.contentDocument?.querySelector('#name')?.value === 'Grace Hopper';
    });
    const dom = (await agent.content()) + (await agent.frames().reduce(async (all, f) => (await all) + (await f.content()), Promise.resolve('')));
    const values = (await agent.evaluate(`Array.from(document.querySelector('.mirror-stage iframe').contentDocument.querySelectorAll('input')).map((i) => i.value).join('|')`)) as string;
    assert.ok(!dom.includes(CANARY) && !values.includes(CANARY), 'the password never reaches the agent');
    await shot(agent, '02-typing');
  });

  it('takes control after the customer approves, types into their field, and stops when they take it back', async () => {
    await agent.getByRole('button', { name: 'Request control' }).click();
    await snippetUi(customer).click('Approve');
    await agent.getByTestId('control-state').getByText('Write mode').waitFor();
    const box = await mirror.locator('#name').boundingBox();
    assert.ok(box);
    await agent.mouse.click(box.x + 10, box.y + box.height / 2);
    const editor = agent.getByRole('textbox', { name: /^Type into/ });
    await editor.fill('Ada Lovelace');
    await customer.waitForFunction(`document.getElementById('name').value === 'Ada Lovelace'`, undefined, { timeout: 5000 });
    await editor.press('Enter');
    await shot(agent, '03-typed-after-consent');

    const submit = await mirror.getByRole('button', { name: 'Submit claim' }).boundingBox();
    assert.ok(submit);
    await agent.mouse.click(submit.x + 5, submit.y + submit.height / 2);
    await agent.getByTestId('action-problem').getByText('does not let agents operate this element').waitFor();

    await snippetUi(customer).click('Take back control');
    await agent.getByTestId('control-state').getByText('took control back').waitFor();
    await agent.mouse.click(box.x + 10, box.y + box.height / 2);
    assert.equal(await agent.getByRole('textbox', { name: /^Type into/ }).count(), 0);
    await shot(agent, '04-revoked');
  });
});
