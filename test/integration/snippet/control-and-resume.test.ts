// Write mode with consent, pointer and probes, navigation and resume, on the real snippet in
// Chromium against the real server; the agent is a plain ws client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSnippetStack, type SnippetStack } from './helpers/snippet-stack.js';
import { join as joinSession, nextOfType, nextSnapshot, startCobrowse, waitInPage } from './helpers/customer-page.js';
import { frameBytes, nodeIdOf } from './helpers/page-frames.js';
import { mustConnect } from '../server/net-helpers/ws-client.js';

describe('snippet write mode, pointer, navigation and resume (real Chromium, real server)', () => {
  let stack: SnippetStack;
  before(async () => {
    stack = await startSnippetStack({ limits: { resumeGraceMs: 3000 } });
  });
  after(() => stack.close());

  it('write mode: refused before consent, applied after Approve, locked and masked targets refuse, revocation stops the next action', async () => {
    const customer = await startCobrowse(stack.browser, stack.site.url);
    const { page } = customer;
    const agent = await stack.agent();
    const { snapshot } = await joinSession(agent, customer.code);
    const name = nodeIdOf(snapshot, 'full-name');
    await page.evaluate(`window.__inputs = []; document.getElementById('full-name').addEventListener('input', (e) => window.__inputs.push(e.target.value))`);

    agent.send({ type: 'action', id: 1, action: { kind: 'input', nodeId: name, value: 'Before consent' } });
    assert.deepEqual(await nextOfType(agent, 'action-refused'), { type: 'action-refused', id: 1, code: 'CONTROL_NOT_GRANTED' });

    agent.send({ type: 'control-request' });
    assert.deepEqual(await nextOfType(agent, 'control'), { type: 'control', state: 'requested' });
    await customer.ui.click('Approve');
    assert.deepEqual(await nextOfType(agent, 'control'), { type: 'control', state: 'granted' });

    agent.send({ type: 'action', id: 2, action: { kind: 'input', nodeId: name, value: 'Typed by the agent' } });
    await waitInPage(page, `document.getElementById('full-name').value === 'Typed by the agent'`);
    assert.deepEqual(await page.evaluate('window.__inputs'), ['Typed by the agent'], 'the page hears an input event, as with typing');

    agent.send({ type: 'action', id: 3, action: { kind: 'click', nodeId: nodeIdOf(snapshot, 'submit-claim') } });
    assert.deepEqual(await nextOfType(agent, 'action-refused'), { type: 'action-refused', id: 3, code: 'TARGET_LOCKED' });
    agent.send({ type: 'action', id: 4, action: { kind: 'input', nodeId: nodeIdOf(snapshot, 'card-number'), value: '4000' } });
    assert.deepEqual(await nextOfType(agent, 'action-refused'), { type: 'action-refused', id: 4, code: 'TARGET_MASKED' });
    agent.send({ type: 'action', id: 5, action: { kind: 'input', nodeId: nodeIdOf(snapshot, 'password'), value: 'x' } });
    assert.deepEqual(await nextOfType(agent, 'action-refused'), { type: 'action-refused', id: 5, code: 'TARGET_MASKED' });
    assert.equal(await page.inputValue('#card-number'), '', 'a masked field was not touched');
    assert.equal(page.url(), stack.site.url, 'the locked submit button did not submit');

    agent.send({ type: 'action', id: 6, action: { kind: 'click', nodeId: nodeIdOf(snapshot, 'toggle-password') } });
    await waitInPage(page, `document.getElementById('password').type === 'text'`);

    await customer.ui.click('Take back control');
    assert.deepEqual(await nextOfType(agent, 'control'), { type: 'control', state: 'revoked' });
    agent.send({ type: 'action', id: 7, action: { kind: 'input', nodeId: name, value: 'After revoke' } });
    assert.deepEqual(await nextOfType(agent, 'action-refused'), { type: 'action-refused', id: 7, code: 'CONTROL_NOT_GRANTED' });
    assert.equal(await page.inputValue('#full-name'), 'Typed by the agent');

    // The audit trail saw it all: the history endpoint is checked in the server tests.
    agent.close();
    await customer.context.close();
  });

  it('Approve from a script on the page does nothing: the UI is out of reach, and even a script holding the button cannot click it', async () => {
    const customer = await startCobrowse(stack.browser, stack.site.url);
    const agent = await stack.agent();
    await joinSession(agent, customer.code);
    agent.send({ type: 'control-request' });
    assert.deepEqual(await nextOfType(agent, 'control'), { type: 'control', state: 'requested' });
    await customer.ui.waitForButton('Approve');

    // A script on the page finds no way in: the host's shadow root is closed.
    const reach = await customer.page.evaluate(`(() => {
      const host = document.getElementById('agentdesk-cobrowse-root');
      return { host: !!host, shadowRoot: host && host.shadowRoot, approveInDocument: [...document.querySelectorAll('button')].some((b) => b.textContent.includes('Approve')) };
    })()`);
    assert.deepEqual(reach, { host: true, shadowRoot: null, approveInDocument: false });

    // A script that got hold of the button anyway (say, by wrapping attachShadow before the
    // snippet loaded) runs in the page's world: click(), synthetic mouse, pointer and key events.
    const tried = await customer.ui.evaluate<number>(`function () {
      const approve = [...this.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Approve');
      approve.click();
      approve.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true, view: window }));
      approve.dispatchEvent(new PointerEvent('click', { bubbles: true, composed: true, cancelable: true }));
      approve.focus();
      for (const key of ['Enter', ' ']) {
        approve.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
        approve.dispatchEvent(new KeyboardEvent('keyup', { key, bubbles: true, composed: true }));
      }
      return 7;
    }`);
    assert.equal(tried, 7, 'the script ran all its attempts');
    // Give any (wrong) grant time to travel: the relay takes milliseconds.
    await new Promise((r) => setTimeout(r, 700));
    const controls = agent.pending().filter((m) => (m as { type?: string }).type === 'control');
    assert.deepEqual(controls, [], 'no control change reached the agent');
    assert.match(await customer.ui.text(), /asks to click and type/, 'the banner still asks the customer');

    // The customer's own click still works.
    await customer.ui.click('Approve');
    assert.deepEqual(await nextOfType(agent, 'control'), { type: 'control', state: 'granted' });
    agent.close();
    await customer.context.close();
  });

  it('pointer shows a highlight on the page; probes are echoed with the page clock; a text change reaches the agent quickly', async () => {
    const customer = await startCobrowse(stack.browser, stack.site.url);
    const agent = await stack.agent();
    const { snapshot } = await joinSession(agent, customer.code);
    agent.send({ type: 'pointer', nodeId: nodeIdOf(snapshot, 'claim-type') });
    await customer.ui.waitUntil(`function () { return !!this.querySelector('.highlight[data-node-visible]'); }`, 'the pointer highlight');

    const sentAt = Date.now();
    agent.send({ type: 'probe', id: 42 });
    const echo = await nextOfType<{ id: number; at: number }>(agent, 'probe-echo');
    assert.equal(echo.id, 42);
    assert.ok(echo.at >= sentAt - 1000 && echo.at <= Date.now() + 1000, 'the page answers with its own clock');

    const marker = `Changed at ${Date.now()}`;
    const before = stack.relayed.length;
    const changedAt = Date.now();
    await customer.page.evaluate(`document.getElementById('intro').textContent = ${JSON.stringify(marker)}`);
    const deadline = Date.now() + 5000;
    let seenAt = 0;
    while (!seenAt && Date.now() < deadline) {
      if (stack.relayed.slice(before).some((f) => f.to === 'agent' && f.binary && frameBytes(f.data).includes(marker))) seenAt = Date.now();
      else await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(seenAt > 0, 'the text change was relayed to the agent');
    const delay = seenAt - changedAt;
    console.log(`customer-to-agent delay for a text change: ${delay} ms (batching interval 50 ms)`);
    assert.ok(delay < 1000, `the agent sees the change within a blink (${delay} ms)`);
    agent.close();
    await customer.context.close();
  });

  it('navigation to the second page keeps the session: page message, fresh snapshot of the new page, consent kept', async () => {
    const customer = await startCobrowse(stack.browser, stack.site.url);
    const agent = await stack.agent();
    const { joined } = await joinSession(agent, customer.code);
    agent.send({ type: 'control-request' });
    assert.deepEqual(await nextOfType(agent, 'control'), { type: 'control', state: 'requested' });
    await customer.ui.click('Approve');
    assert.deepEqual(await nextOfType(agent, 'control'), { type: 'control', state: 'granted' });

    await customer.page.click('#status-link');
    const page = await nextOfType<{ url: string; title: string }>(agent, 'page');
    assert.equal(page.url, `${stack.site.origin}/claim-status.html`);
    assert.equal(page.title, 'Northwind Mutual – Claim status');
    const fresh = await nextSnapshot(agent);
    assert.equal(fresh.events[0]?.type, 4, 'a snapshot frame starts with Meta');
    assert.equal(fresh.events[0]?.data.href, `${stack.site.origin}/claim-status.html`);
    assert.equal(fresh.events[1]?.type, 2, 'then the FullSnapshot');
    assert.ok(JSON.stringify(fresh.events).includes('Back to the claim form'));
    // The banner of the new page shows the consent still in force, and the agent can act there.
    await customer.ui.waitForButton('Take back control');
    agent.send({ type: 'action', id: 1, action: { kind: 'input', nodeId: nodeIdOf(fresh.events, 'claim-number'), value: 'CL-2291' } });
    await waitInPage(customer.page, `document.getElementById('claim-number').value === 'CL-2291'`);
    assert.equal(typeof joined.resumeToken, 'string');
    agent.close();
    await customer.context.close();
  });

  it('a dropped agent resumes with its resumeToken and gets a fresh snapshot; the banner said it was away', async () => {
    const customer = await startCobrowse(stack.browser, stack.site.url);
    const agent = await stack.agent();
    const { joined } = await joinSession(agent, customer.code);
    agent.ws.terminate();
    await customer.ui.waitForText("The agent's connection dropped");

    const again = await mustConnect(`${stack.server.url.replace(/^http/, 'ws')}/cobrowse/agent`);
    assert.equal((await again.next()).type, 'welcome');
    again.send({ type: 'resume', resumeToken: joined.resumeToken });
    const resumed = await nextOfType<{ resumed: boolean; resumeToken: string; sessionId: string }>(again, 'joined');
    assert.equal(resumed.resumed, true);
    assert.equal(resumed.sessionId, joined.sessionId);
    assert.notEqual(resumed.resumeToken, joined.resumeToken, 'a new token with every joined');
    const fresh = await nextSnapshot(again);
    assert.ok(JSON.stringify(fresh.events).includes('File a car insurance claim'), 'never a cursor over an empty page');
    await customer.ui.waitForText('is viewing');
    // The spent token cannot be used again.
    const third = await stack.agent();
    third.send({ type: 'resume', resumeToken: joined.resumeToken });
    assert.equal((await nextOfType(third, 'error')).code, 'SESSION_RESUME_INVALID');
    third.close();
    again.close();
    await customer.context.close();
  });

  it('a customer page that closes and does not come back ends the session with customer-unreachable after the grace', async () => {
    const customer = await startCobrowse(stack.browser, stack.site.url);
    const agent = await stack.agent();
    const { joined } = await joinSession(agent, customer.code);
    await customer.context.close();
    assert.equal((await nextOfType(agent, 'customer-away')).type, 'customer-away');
    assert.deepEqual(await nextOfType(agent, 'session-ended', 8000), { type: 'session-ended', sessionId: joined.sessionId, reason: 'customer-unreachable' });
    agent.close();
  });
});
