// The agent's view with the real customer snippet (dist/snippet/agentdesk-cobrowse.js, served by the
// real server at /cobrowse/snippet.js) on the customer's page: the customer starts co-browse from
// the launcher, reads the code, the agent joins, sees the page move as they type, asks for control,
// the customer approves in the banner, the agent types, the customer takes control back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type FrameLocator, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium.js';
import { joinByCode } from '../../support/join-by-code.js';
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

/**
 * The privacy canaries that can be tried in the agent's real view: the canary suite's classes
 * (test/integration/snippet/canary-suite.test.ts) through the whole browser shell (its host
 * server, page stream and React mirror), which the Electron shell shares but for the transport.
 */
function canaryPage(serverUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Canary page</title></head><body>
  <h1>Canary page</h1>
  <p id="marker">Visible text</p>
  <div data-cobrowse-mask title="ViewCanaryTitle01" data-account="ViewCanaryData02" aria-label="ViewCanaryAria03">
    <input id="m-text" placeholder="ViewCanaryPlaceholder04" value="ViewCanaryValue05">
    <select><option value="ViewCanaryOption06">one</option></select>
    <a href="/p?u=ViewCanaryHref07">link</a>
    <p>ViewCanaryMaskedText08</p>
  </div>
  <my-card data-cobrowse-mask></my-card>
  <div id="closed-host" style="width:100px;height:20px"></div>
  <input id="upload" type="file">
  <div id="late">Visible before the mask</div>
  <iframe id="frame" src="/canary-frame" width="300" height="60"></iframe>
  <script>
    customElements.define('my-card', class extends HTMLElement {
      constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<p>ViewCanary' + 'Shadow09</p>'; }
    });
    document.getElementById('closed-host').attachShadow({ mode: 'closed' }).innerHTML = '<p>ViewCanary' + 'Closed10</p>';
  </script>
  <script src="${serverUrl}/cobrowse/snippet.js" data-server="${serverUrl}"></script>
  </body></html>`;
}

const CANARY_FRAME = `<!doctype html><html><body><input id="frame-pw" type="password"><p data-cobrowse-mask>ViewCanary` + `FrameMasked11</p><p>Frame visible text</p></body></html>`;

const VIEW_CANARIES = [
  'ViewCanaryTitle01', 'ViewCanaryData02', 'ViewCanaryAria03', 'ViewCanaryPlaceholder04', 'ViewCanaryValue05', 'ViewCanaryOption06', 'ViewCanaryHref07',
  'ViewCanaryMaskedText08', 'ViewCanaryShadow09', 'ViewCanaryClosed10', 'ViewCanaryFrameMasked11', 'ViewCanaryTyped12', 'ViewCanaryFramePw13',
  'ViewCanaryFile14', 'ViewCanaryQuery15', 'ViewCanaryFragment16', 'ViewCanaryLate17',
];

/** Everything the agent's window holds: its markup, every frame's (the mirror's nested ones too), open shadow roots, field values. */
const READ_AGENT_VIEW = `(() => {
  const readAll = (doc) => {
    const parts = [doc.documentElement ? doc.documentElement.outerHTML : '', doc.title];
    for (const el of doc.querySelectorAll('*')) {
      if (el.shadowRoot) parts.push(el.shadowRoot.innerHTML);
      if ('value' in el && typeof el.value === 'string') parts.push(el.value);
      if (el.tagName === 'IFRAME' && el.contentDocument) parts.push(readAll(el.contentDocument));
    }
    return parts.join('\\n');
  };
  return readAll(document);
})()`;

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
    await context.route(`${CUSTOMER_SITE}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      const body = path === '/canary' ? canaryPage(stack.server.url) : path === '/canary-frame' ? CANARY_FRAME : claimPage(stack.server.url);
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body });
    });
    customer = await context.newPage();
    await customer.goto(`${CUSTOMER_SITE}/claim`);
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('the customer starts co-browse, the agent joins with the code and sees the page', async () => {
    await joinByCode(customer, agent);
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
  it("the agent's view holds none of the privacy canaries, after typing, a late mask and with a secret in the address", async () => {
    await customer.goto(`${CUSTOMER_SITE}/canary?token=ViewCanaryQuery15#ViewCanaryFragment16`);
    await mirror.getByRole('heading', { name: 'Canary page' }).waitFor({ timeout: 10_000 });
    await customer.frameLocator('#frame').locator('#frame-pw').fill('ViewCanaryFramePw13');
    await customer.fill('#m-text', 'ViewCanaryTyped12');
    await customer.setInputFiles('#upload', { name: 'ViewCanaryFile14.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
    await customer.evaluate(`document.getElementById('late').setAttribute('data-cobrowse-mask', '')`);
    await customer.evaluate(`document.getElementById('late').textContent = 'ViewCanary' + 'Late17'`);
    await customer.evaluate(`document.getElementById('marker').textContent = 'Done marker'`);
    await mirror.getByText('Done marker').waitFor({ timeout: 10_000 });
    // The inner frame's content is recorded when that frame has loaded, which may come after the
    // marker's change: the view is read once both are there (or after 10 s, and then it fails).
    let view = '';
    for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      view = (await agent.evaluate(READ_AGENT_VIEW)) as string;
      if (view.includes('Frame visible text') && view.includes('Done marker')) break;
    }
    assert.ok(view.includes('Frame visible text') && view.includes('Done marker'), "positive control: the agent's view shows the frame and the last change");
    assert.ok(view.includes(`${CUSTOMER_SITE}/canary`), 'positive control: the view names the page');
    const leaked = VIEW_CANARIES.filter((c) => view.includes(c));
    console.log(`agent view (browser shell): ${VIEW_CANARIES.length} canaries tried, ${VIEW_CANARIES.length - leaked.length} held`);
    assert.deepEqual(leaked, [], "no canary is in the agent's view");
    assert.ok(!view.includes('Visible before the mask'), 'the late mask replaced what the view showed');
    await shot(agent, '05-canaries');
  });
});
