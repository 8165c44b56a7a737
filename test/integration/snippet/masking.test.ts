// Nothing sensitive leaves the customer's browser: canary values typed or set in every masked
// kind never appear in any frame the server relays (raw, JSON-escaped, URL-encoded, base64), the
// placeholder has one fixed length, and the snippet's own UI is never captured.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSnippetStack, type SnippetStack } from './helpers/snippet-stack.js';
import { join as joinSession, startCobrowse, waitInPage } from './helpers/customer-page.js';
import { snippetUi } from '../../support/snippet-ui.js';
import { frameBytes, leakForms, serializedElement, serializedElements } from './helpers/page-frames.js';

const PLACEHOLDER = '••••••••';
const SITE = join(import.meta.dirname, '../../../demo/site');
// The claim form with a page config: a URL-pattern rule that masks the email field (DOM restrictions).
const CONFIGURED = readFileSync(join(SITE, 'index.html'), 'utf8').replace(
  '<script src="{{COBROWSE_SERVER}}',
  `<script>window.AgentDeskCobrowseConfig = { maskRules: [{ urlPattern: '*/configured.html', selectors: ['#email'] }, { urlPattern: '*/elsewhere.html', selectors: ['#full-name'] }] };</script>\n  <script src="{{COBROWSE_SERVER}}`,
);

describe('snippet masking (real Chromium, real server, relayed bytes)', () => {
  let stack: SnippetStack;
  before(async () => {
    stack = await startSnippetStack({ extraPages: { '/configured.html': CONFIGURED } });
  });
  after(() => stack.close());

  it('canaries in every masked kind never reach the agent; unmasked typing does; the placeholder has a fixed length', async () => {
    const canaries = {
      passwordBeforeJoin: 'CanaryPwBefore1111',
      passwordShown: 'CanaryPwShown2222',
      hidden: 'CanaryHidden3333x',
      card: '4111999988887777',
      cvc: 'CanaryCvc5555xx',
      otp: 'CanaryOtp6666xx',
      maskedText: 'CanaryMaskedText7777',
      blockedText: 'CanaryBlocked8888',
      ruleMasked: 'canary.rule9999@example.com',
    };
    const customer = await startCobrowse(stack.browser, `${stack.site.origin}/configured.html`);
    const { page } = customer;
    // Typed before the agent joins: it must be masked in the first snapshot.
    await page.fill('#password', canaries.passwordBeforeJoin);
    const agent = await stack.agent();
    const { snapshot } = await joinSession(agent, customer.code);

    // What the snapshot shows for the masked fields: the placeholder, never the value.
    assert.equal(serializedElement(snapshot, 'password').attributes?.value, PLACEHOLDER);
    assert.equal(serializedElement(snapshot, 'csrf').attributes?.value, PLACEHOLDER, 'hidden inputs are masked');
    // Blocked elements (the medical notes, the snippet's own UI) are empty boxes of the same size.
    const blocked = serializedElements(snapshot, (n) => n.attributes?.rr_height !== undefined);
    assert.equal(blocked.length, 2, 'the medical notes and the snippet UI host are blocked');
    for (const box of blocked) {
      assert.deepEqual(box.childNodes, [], 'a blocked element is an empty box');
      assert.match(String(box.attributes?.rr_width), /^\d+(\.\d+)?px$/);
    }
    assert.ok(blocked.some((b) => parseFloat(String(b.attributes?.rr_height)) > 40), 'the medical notes keep their height');
    assert.ok(!JSON.stringify(snapshot).includes('Hanna Lind'), 'nothing inside a blocked element is sent');

    // After the agent joined: the show-password toggle, then typing in every masked kind.
    await page.click('#toggle-password');
    await waitInPage(page, `document.getElementById('password').type === 'text'`);
    await page.fill('#password', canaries.passwordShown);
    await page.evaluate(`document.getElementById('csrf').value = ${JSON.stringify(canaries.hidden)}`);
    await page.fill('#card-number', canaries.card);
    await page.fill('#card-cvc', canaries.cvc);
    await page.fill('#otp', canaries.otp);
    await page.fill('#email', canaries.ruleMasked);
    await page.evaluate(`document.getElementById('policy-holder').textContent = ${JSON.stringify(canaries.maskedText)}`);
    await page.evaluate(`document.querySelector('#medical-notes p').textContent = ${JSON.stringify(canaries.blockedText)}`);
    // Fields of very different lengths: one character and forty.
    await page.fill('#card-cvc', '1');
    await page.fill('#otp', 'x'.repeat(40));
    // A plain field: the agent must see it, or this test proves nothing.
    await page.fill('#full-name', 'Alex Visible Example');
    await page.fill('#description', 'Rear-ended at a junction');

    const deadline = Date.now() + 10_000;
    const text = () =>
      stack.relayed
        .filter((f) => f.to === 'agent')
        .map((f) => frameBytes(f.data).toString('utf8'))
        .join('\n');
    while (!text().includes('Rear-ended at a junction') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const seen = text();
    assert.ok(seen.includes('Alex Visible Example'), 'unmasked typing reaches the agent');
    assert.ok(seen.includes('Rear-ended at a junction'));

    const raw = Buffer.concat(stack.relayed.filter((f) => f.to === 'agent').map((f) => frameBytes(f.data)));
    const bytesAsLatin1 = raw.toString('latin1');
    for (const [kind, canary] of Object.entries(canaries)) {
      for (const form of leakForms(canary)) {
        assert.ok(!seen.includes(form) && !bytesAsLatin1.includes(form), `the ${kind} canary leaked as "${form}"`);
      }
    }
    // Masked values are the one fixed-length placeholder, whatever was typed (1 or 40 characters).
    const inputTexts = [...seen.matchAll(/"text":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    const masked = inputTexts.filter((t) => t.includes('•'));
    assert.ok(masked.length >= 4, `masked input events are sent as placeholders (got ${masked.length})`);
    assert.ok(masked.every((t) => t === PLACEHOLDER), `every masked value is exactly ${PLACEHOLDER}: ${JSON.stringify([...new Set(masked)])}`);
    assert.ok(!/\*{4,}/.test(seen), 'no length-preserving asterisks');
    // The snippet's own UI (code, buttons) is never part of the captured page.
    assert.ok(!seen.includes('Your co-browse code') && !seen.includes('is viewing'), 'the snippet UI is not captured');
    agent.close();
    await customer.context.close();
  });

  it('a mask rule applies only on the pages its URL pattern matches', async () => {
    const customer = await startCobrowse(stack.browser, `${stack.site.origin}/configured.html`);
    await customer.page.fill('#full-name', 'Name Not Masked Here');
    const agent = await stack.agent();
    const { snapshot } = await joinSession(agent, customer.code);
    assert.equal(serializedElement(snapshot, 'full-name').attributes?.value, 'Name Not Masked Here', 'the rule for elsewhere.html does not mask this page');
    assert.equal(serializedElement(snapshot, 'email').attributes?.value, undefined, 'an empty field stays empty');
    agent.close();
    await customer.context.close();
  });

  it('an invalid selector in the page config keeps co-browse off on that page (never a silent unmasked share)', async () => {
    const broken = CONFIGURED.replace("selectors: ['#email']", "selectors: ['#email[']");
    const local = await startSnippetStack({ extraPages: { '/broken.html': broken } });
    try {
      const context = await local.browser.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${local.site.origin}/broken.html`);
      await waitInPage(page, `document.readyState === 'complete'`);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await snippetUi(page).buttonCount('Co-browse'), 0, 'no launcher');
      assert.ok(errors.some((e) => e.includes('not valid CSS')), `the console says why: ${errors.join(' | ')}`);
    } finally {
      await local.close();
    }
  });
});
