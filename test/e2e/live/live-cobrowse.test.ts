// Live co-browse from the agent's side, end to end: the real server, the agent desktop's browser
// shell signed in through the demo identity provider, and the customer's page in a second browser
// context running rrweb's recorder (test/e2e/live/support/customer-harness.ts plays the customer's
// half of the protocol over a real WebSocket). One journey, step by step, with a screenshot each.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from '@playwright/test';
import { launchChromium } from '../../support/chromium.js';
import { REPO_ROOT } from '../../integration/server/helpers/server-process.js';
import { openAgentDesktop, screenshots, signInThroughSystemBrowser } from '../desktop/support/agent-journey.js';
import { CUSTOMER_ORIGIN, randomToken, startDesktopStack, type DesktopStack } from '../desktop/support/desktop-stack.js';
import { startCustomer, type CustomerHarness } from './support/customer-harness.js';
import { serveCustomerSite } from './support/customer-site.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

/** The agent page's DOM as a page function sees it (the test project has no DOM types). */
interface MirrorDocument {
  querySelector(selector: string): { readonly contentDocument: { readonly body: { readonly textContent: string | null } | null; querySelector(s: string): { readonly value?: string } | null } | null } | null;
}

const CANARY_PASSWORD = 'Canary-Pw-7f3a91';
const CANARY_PIN = 'Canary-Pin-55c2e0';

describe('live co-browse, agent side (browser shell, real server, rrweb recorder on the customer page)', () => {
  let browser: Browser;
  let stack: DesktopStack;
  let proxy: TcpProxy;
  let agent: Page;
  let mirror: FrameLocator;
  let customer: CustomerHarness;
  const shot = screenshots('live');
  const measured: Record<string, number> = {};

  before(async () => {
    browser = await launchChromium();
    const token = randomToken();
    stack = await startDesktopStack({ redirect: 'loopback', serverToken: token, desktopToken: token });
    const server = new URL(stack.server.url);
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port) });
    agent = await openAgentDesktop(browser, stack);
    await signInThroughSystemBrowser(browser, stack, agent, 'loopback');
    // The desktop reaches the server through a relay the test can cut (Settings → server URL).
    const saved = await agent.evaluate(`window.agentdesk.saveSettings({ serverUrl: ${JSON.stringify(proxy.url)}, providers: [] })`);
    assert.equal((saved as { ok: boolean }).ok, true, JSON.stringify(saved));
    await agent.getByRole('heading', { name: 'Connected to the co-browse server' }).waitFor();
    // Anything the customer's markup manages to post to the agent app is recorded here.
    await agent.evaluate(`window.__messages = []; addEventListener('message', (e) => window.__messages.push(String(e.data)))`);
    mirror = agent.frameLocator('.mirror-stage iframe');
  });

  after(async () => {
    const dir = join(REPO_ROOT, 'test-results', 'e2e', 'live');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'measurements.json'), `${JSON.stringify(measured, null, 2)}\n`);
    await customer?.close().catch(() => undefined);
    await browser?.close();
    await proxy?.close();
    await stack?.close();
  });

  it('joins and renders the customer page at once, with viewport, page and lag', async () => {
    const created = (await (await fetch(`${stack.server.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: CUSTOMER_ORIGIN } })).json()) as {
      code: string;
      sessionId: string;
      customerSecret: string;
    };
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    await serveCustomerSite(context);
    customer = await startCustomer(context, stack.server.url, created);
    await customer.page.getByRole('heading', { name: 'Claim form' }).waitFor();

    await agent.getByLabel('Session code').fill(created.code);
    await agent.getByRole('button', { name: 'Join', exact: true }).click();
    await agent.getByRole('heading', { name: /^In session/ }).waitFor();
    await mirror.getByRole('heading', { name: 'Claim form' }).waitFor({ timeout: 10_000 });
    await agent.getByTestId('customer-page').getByText('https://shop.example.test/claim').waitFor();
    assert.equal(await agent.getByTestId('viewport').innerText(), '1100 × 700');
    await agent.getByTestId('lag').filter({ hasText: /\d+ ms|\d+\.\d s/ }).waitFor({ timeout: 10_000 });
    const snapshot = customer.sent.find((f) => f.kind === 'snapshot');
    assert.ok(snapshot, 'the customer page sent a snapshot when the agent joined');
    measured.snapshotBytes = snapshot.bytes;
    await shot(agent, '01-joined-mirror');
  });

  it('shows a text change on the customer page within a blink (delay measured)', async () => {
    const delays: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const marker = `Changed ${i} ${Date.now()}`;
      // Polled on every animation frame in the agent page: the time it first shows the marker.
      // (A function, not a string: the agent page's CSP forbids eval, as it should.)
      const seen = agent.waitForFunction(
        (text) => {
          const doc = (globalThis as unknown as { document: MirrorDocument }).document;
          return doc.querySelector('.mirror-stage iframe')?.contentDocument?.body?.textContent?.includes(text) ? Date.now() : false;
        },
        marker,
        { polling: 'raf', timeout: 10_000 },
      );
      const changedAt = (await customer.page.evaluate(`(() => { document.getElementById('status').textContent = ${JSON.stringify(marker)}; return Date.now(); })()`)) as number;
      const seenAt = (await (await seen).jsonValue()) as number;
      delays.push(seenAt - changedAt);
    }
    delays.sort((a, b) => a - b);
    measured.textChangeDelayMedianMs = delays[2]!;
    measured.textChangeDelayMaxMs = delays[4]!;
    assert.ok(delays[2]! < 1000, `median customer-to-agent delay ${delays[2]} ms`);
    await shot(agent, '02-text-change');
  });

  it('shows the customer scrolling, and their viewport', async () => {
    await customer.page.evaluate('window.scrollTo(0, 400)');
    await agent.getByTestId('scroll').filter({ hasText: '0, 400' }).waitFor({ timeout: 5000 });
    await customer.page.evaluate('window.scrollTo(0, 0)');
    await agent.getByTestId('scroll').filter({ hasText: '0, 0' }).waitFor({ timeout: 5000 });
  });

  it('never shows values typed into masked fields', async () => {
    await customer.page.getByLabel('Password').fill(CANARY_PASSWORD);
    await customer.page.getByLabel('Policy PIN').fill(CANARY_PIN);
    await customer.page.getByLabel('Full name').fill('visible typing');
    await agent.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: MirrorDocument }).document;
      return doc.querySelector('.mirror-stage iframe')?.contentDocument?.querySelector('#name')?.value === 'visible typing';
    });
    const agentDom = (await agent.content()) + (await agent.frames().map((f) => f.content()).reduce(async (all, c) => (await all) + (await c), Promise.resolve('')));
    const values = (await agent.evaluate(`Array.from(document.querySelector('.mirror-stage iframe').contentDocument.querySelectorAll('input')).map((i) => i.value).join('|')`)) as string;
    for (const canary of [CANARY_PASSWORD, CANARY_PIN]) {
      assert.ok(!agentDom.includes(canary), `${canary} is in the agent's DOM`);
      assert.ok(!values.includes(canary), `${canary} is in a mirrored field's value`);
    }
    await shot(agent, '03-masked');
  });

  it('runs none of the customer page’s hostile markup in the agent view', async () => {
    const iframe = agent.locator('.mirror-stage iframe');
    assert.equal(await iframe.getAttribute('sandbox'), 'allow-same-origin');
    // The page's meta refresh would fire after 1 s.
    await new Promise((r) => setTimeout(r, 1500));
    const box = await mirror.locator('#hostile-link').boundingBox();
    assert.ok(box);
    await agent.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await new Promise((r) => setTimeout(r, 300));
    // The window title is AgentDesk's own (it names the session), never what the customer's markup set.
    assert.match(await agent.title(), /^(.+ · )?Session \d{3} \d{3} \d{3} · AgentDesk$/);
    assert.deepEqual(await agent.evaluate('window.__messages'), []);
    assert.match(agent.url(), /^http:\/\/127\.0\.0\.1:\d+\/$/);
    await mirror.getByRole('heading', { name: 'Claim form' }).waitFor();
    const scripts = (await agent.evaluate(`document.querySelector('.mirror-stage iframe').contentDocument.querySelectorAll('script').length`)) as number;
    assert.equal(scripts, 0, 'no script element is rebuilt in the mirror');
    await shot(agent, '04-hostile-markup-inert');
  });

  it('pointer mode: a click on the mirror points at that element on the customer page', async () => {
    const box = await mirror.getByRole('heading', { name: 'Claim form' }).boundingBox();
    assert.ok(box);
    const before = customer.received.length;
    await agent.mouse.click(box.x + 20, box.y + box.height / 2);
    const pointer = await customer.waitFor((m) => m.type === 'pointer' && customer.received.indexOf(m) >= before, 'a pointer');
    assert.equal(pointer.type === 'pointer' && (await customer.describeNode(pointer.nodeId)), 'h1#headline');
    assert.ok(!customer.received.some((m) => m.type === 'action'), 'no action without write mode');
  });

  it('write mode: typing reaches the customer field only after consent', async () => {
    const name = await mirror.locator('#name').boundingBox();
    assert.ok(name);
    await agent.mouse.click(name.x + 10, name.y + name.height / 2);
    assert.equal(await agent.getByRole('textbox', { name: /^Type into/ }).count(), 0, 'no editor before consent');

    await agent.getByRole('button', { name: 'Request control' }).click();
    await customer.waitFor((m) => m.type === 'control' && m.state === 'requested', 'the control request');
    await agent.getByTestId('control-state').getByText('waiting for the customer').waitFor();
    await shot(agent, '05-control-requested');
    customer.control('granted');
    await agent.getByTestId('control-state').getByText('Write mode').waitFor();

    await agent.mouse.click(name.x + 10, name.y + name.height / 2);
    const editor = agent.getByRole('textbox', { name: 'Type into “Full name” on the customer’s page' });
    await editor.waitFor();
    await editor.fill('Ada Lovelace');
    await customer.page.waitForFunction(`document.getElementById('name')?.value === 'Ada Lovelace'`, undefined, { timeout: 5000 });
    await shot(agent, '06-typed-with-consent');
    await editor.press('Enter');
  });

  it('locked and masked elements refuse, with a clear message', async () => {
    const submit = await mirror.getByRole('button', { name: 'Submit claim' }).boundingBox();
    assert.ok(submit);
    await agent.mouse.click(submit.x + 10, submit.y + submit.height / 2);
    await agent.getByTestId('action-problem').getByText('does not let agents operate this element').waitFor();
    await shot(agent, '07-locked-refused');

    const password = await mirror.locator('#password').boundingBox();
    assert.ok(password);
    await agent.mouse.click(password.x + 10, password.y + password.height / 2);
    await agent.getByTestId('action-problem').getByText('This field is masked').waitFor();
    assert.notEqual(await customer.page.getByLabel('Password').inputValue(), '', 'the customer’s own value is untouched');
    await shot(agent, '08-masked-refused');
  });

  it('revocation stops the next action', async () => {
    customer.control('revoked');
    await agent.getByTestId('control-state').getByText('took control back').waitFor();
    const actionsBefore = customer.received.filter((m) => m.type === 'action').length;
    const name = await mirror.locator('#name').boundingBox();
    assert.ok(name);
    await agent.mouse.click(name.x + 10, name.y + name.height / 2);
    await customer.waitFor((m) => m.type === 'pointer' && customer.received.indexOf(m) > customer.received.length - 3, 'the pointer of the click after revocation');
    assert.equal(await agent.getByRole('textbox', { name: /^Type into/ }).count(), 0);
    assert.equal(customer.received.filter((m) => m.type === 'action').length, actionsBefore, 'no action reached the customer after the revocation');
    await shot(agent, '09-revoked');
  });

  it('follows the customer to the second page', async () => {
    await customer.goto('/claim/step-2');
    await mirror.getByRole('heading', { name: 'Step 2: photos' }).waitFor({ timeout: 10_000 });
    await agent.getByTestId('customer-page').getByText('https://shop.example.test/claim/step-2').waitFor();
    await shot(agent, '10-second-page');
  });

  it('a dropped agent link resumes the session within the grace, with the page shown again', async () => {
    const droppedAt = Date.now();
    proxy.cut();
    await agent.getByText('Connection lost: resuming the session').waitFor({ timeout: 10_000 });
    await shot(agent, '11-resuming');
    await agent.getByText('Connection lost: resuming the session').waitFor({ state: 'detached', timeout: 30_000 });
    measured.resumeAfterDropMs = Date.now() - droppedAt;
    await agent.getByRole('heading', { name: /^In session/ }).waitFor();
    await mirror.getByRole('heading', { name: 'Step 2: photos' }).waitFor({ timeout: 10_000 });
    assert.ok(customer.received.filter((m) => m.type === 'agent-joined').length >= 2, 'the customer page was asked for a fresh snapshot');
    await shot(agent, '12-resumed');
  });
});
