// Control by construction: with write mode granted, every action is checked against what it would
// really operate (a label's control, the button around a nested element, a button's effective
// type) and elements a person could not operate (hidden, inert, disabled, aria-hidden) refuse. The
// page records every click its elements hear, so "refused" also means "nothing happened".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSnippetStack, type SnippetStack } from './helpers/snippet-stack.js';
import { join as joinSession, nextOfType, startCobrowse, waitInPage } from './helpers/customer-page.js';
import { decodeFrame, nodeIdOf, type SerializedNode } from './helpers/page-frames.js';
import type { TestSocket } from '../server/net-helpers/ws-client.js';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Control targets</title>
<script src="{{COBROWSE_SERVER}}/cobrowse/snippet.js" data-server="{{COBROWSE_SERVER}}"></script>
<style>button, label { display: inline-block; margin: 4px; }</style>
</head><body>
<form id="form" action="/submitted.html">
  <label for="send" id="send-label">Send it</label>
  <button id="send">Send (no type: submit)</button>
  <button id="bogus" type="bogus">Invalid type: submit</button>
  <button type="submit" id="pay"><span id="pay-span">Pay</span></button>
  <label id="consent-label"><input type="checkbox" id="consent" data-cobrowse-mask> I agree</label>
  <label id="news-label"><input type="checkbox" id="news"> News</label>
  <button type="button" id="plain">Plain</button>
  <button type="button" id="display-none" style="display:none">Display none</button>
  <button type="button" id="visibility-hidden" style="visibility:hidden">Visibility hidden</button>
  <button type="button" id="zero" style="width:0;height:0;padding:0;border:0;overflow:hidden">Zero</button>
  <button type="button" id="off-page" style="position:absolute;left:-9999px;top:-9999px">Off page</button>
  <div inert><button type="button" id="inert">Inert</button></div>
  <button type="button" id="disabled" disabled>Disabled</button>
  <fieldset disabled><input id="fieldset-input"></fieldset>
  <div aria-hidden="true"><button type="button" id="aria-hidden">Aria hidden</button></div>
  <lock-box id="lock-host" data-cobrowse-lock></lock-box>
</form>
<iframe id="frame" src="/frame-targets.html" width="400" height="60"></iframe>
<div id="tall" style="height:3000px">Room to scroll</div>
<script>
  window.__clicks = [];
  document.addEventListener('click', (e) => { const t = e.target.closest && e.target.closest('[id]'); if (t) window.__clicks.push(t.id); }, true);
  document.getElementById('form').addEventListener('submit', (e) => { e.preventDefault(); window.__clicks.push('SUBMITTED'); });
  customElements.define('lock-box', class extends HTMLElement {
    constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<button type="button" id="shadow-button">In a locked host</button>'; }
  });
  document.getElementById('lock-host').shadowRoot.getElementById('shadow-button').addEventListener('click', () => window.__clicks.push('shadow-button'));
</script>
</body></html>`;

const FRAME = `<!doctype html><html><body><input id="frame-name"> <input id="frame-pw" type="password"></body></html>`;

/** Node ids of elements of a same-origin frame: its document arrives in an incremental frame after the snapshot. */
async function frameNodeIds(agent: TestSocket, htmlIds: readonly string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const deadline = Date.now() + 10_000;
  while (found.size < htmlIds.length) {
    const { events } = decodeFrame(await agent.nextBinary(Math.max(1, deadline - Date.now())));
    for (const event of events) {
      const adds = (event.data as { adds?: { node: SerializedNode }[] }).adds ?? [];
      const stack = adds.map((a) => a.node);
      while (stack.length > 0) {
        const node = stack.pop()!;
        const id = node.attributes?.id;
        if (typeof id === 'string' && htmlIds.includes(id)) found.set(id, node.id);
        stack.push(...(node.childNodes ?? []));
      }
    }
  }
  return found;
}

describe('control by construction: effective targets and unavailable elements (real snippet, real server)', () => {
  let stack: SnippetStack;
  before(async () => {
    stack = await startSnippetStack({ extraPages: { '/targets.html': PAGE, '/frame-targets.html': FRAME } });
  });
  after(() => stack.close());

  it('refuses label, nested element, invalid-type button, hidden, inert, disabled, aria-hidden and locked-host targets; operates plain ones', async () => {
    const customer = await startCobrowse(stack.browser, `${stack.site.origin}/targets.html`);
    const { page } = customer;
    const agent = await stack.agent();
    const { snapshot } = await joinSession(agent, customer.code);
    const frameIds = await frameNodeIds(agent, ['frame-name', 'frame-pw']);
    const frameName = frameIds.get('frame-name')!;
    const framePw = frameIds.get('frame-pw')!;
    agent.send({ type: 'control-request' });
    assert.deepEqual(await nextOfType(agent, 'control'), { type: 'control', state: 'requested' });
    await customer.ui.click('Approve');
    assert.deepEqual(await nextOfType(agent, 'control'), { type: 'control', state: 'granted' });
    await page.evaluate('window.__clicks = []'); // the customer's own clicks on the snippet so far

    const cases: [string, 'click' | 'input', string][] = [
      ['send-label', 'click', 'TARGET_LOCKED'], // a label whose control is a submit button
      ['send', 'click', 'TARGET_LOCKED'], // a button without type in a form submits
      ['bogus', 'click', 'TARGET_LOCKED'], // an invalid type is submit too
      ['pay-span', 'click', 'TARGET_LOCKED'], // a nested element activates the submit button around it
      ['consent-label', 'click', 'TARGET_MASKED'], // a label whose control is masked
      ['display-none', 'click', 'TARGET_LOCKED'],
      ['visibility-hidden', 'click', 'TARGET_LOCKED'],
      ['zero', 'click', 'TARGET_LOCKED'],
      ['off-page', 'click', 'TARGET_LOCKED'],
      ['inert', 'click', 'TARGET_LOCKED'],
      ['disabled', 'click', 'TARGET_LOCKED'],
      ['fieldset-input', 'input', 'TARGET_LOCKED'],
      ['aria-hidden', 'click', 'TARGET_LOCKED'],
      ['shadow-button', 'click', 'TARGET_LOCKED'], // inside an open shadow root of a locked host
    ];
    let id = 0;
    const results: string[] = [];
    for (const [htmlId, kind, expected] of cases) {
      id += 1;
      const nodeId = nodeIdOf(snapshot, htmlId);
      agent.send({ type: 'action', id, action: kind === 'click' ? { kind, nodeId } : { kind, nodeId, value: 'typed' } });
      const refused = await nextOfType<{ id: number; code: string }>(agent, 'action-refused');
      assert.equal(refused.id, id);
      results.push(`${htmlId}:${refused.code}`);
      assert.equal(refused.code, expected, `${htmlId} is refused as ${expected}`);
    }
    console.log(`control refusals: ${results.join(', ')}`);

    // In a same-origin frame (another realm): a password field refuses, a plain field takes typing.
    agent.send({ type: 'action', id: 50, action: { kind: 'input', nodeId: framePw, value: 'x' } });
    assert.deepEqual(await nextOfType(agent, 'action-refused'), { type: 'action-refused', id: 50, code: 'TARGET_MASKED' });
    agent.send({ type: 'action', id: 51, action: { kind: 'input', nodeId: frameName, value: 'Typed in the frame' } });
    const frame = page.frame({ url: /frame-targets/ });
    assert.ok(frame);
    await frame.waitForFunction(`document.getElementById('frame-name').value === 'Typed in the frame'`, undefined, { timeout: 5000 });
    assert.equal(await frame.evaluate(`document.getElementById('frame-pw').value`), '', 'the frame password was not touched');

    // Plain targets still work: a button, and a label that toggles its (unmasked) checkbox.
    agent.send({ type: 'action', id: 100, action: { kind: 'click', nodeId: nodeIdOf(snapshot, 'plain') } });
    agent.send({ type: 'action', id: 101, action: { kind: 'click', nodeId: nodeIdOf(snapshot, 'news-label') } });
    await waitInPage(page, `document.getElementById('news').checked === true`);
    await waitInPage(page, `window.__clicks.includes('plain')`);
    const clicks = (await page.evaluate('window.__clicks')) as string[];
    assert.deepEqual(clicks.filter((c) => c !== 'plain' && c !== 'news-label' && c !== 'news'), [], `nothing refused was clicked, nothing submitted: ${JSON.stringify(clicks)}`);
    assert.equal(await page.evaluate(`document.getElementById('consent').checked`), false, 'the masked checkbox was not toggled through its label');
    assert.equal(await page.inputValue('#fieldset-input'), '');

    // The agent's wheel: a scroll of the document (the snapshot's root node) moves the customer's
    // page; one naming an element nobody could operate refuses like a click on it.
    const documentId = snapshot.find((e) => e.type === 2)!.data.node!.id;
    agent.send({ type: 'action', id: 200, action: { kind: 'scroll', nodeId: documentId, x: 0, y: 400 } });
    await waitInPage(page, 'window.scrollY === 400');
    agent.send({ type: 'action', id: 201, action: { kind: 'scroll', nodeId: nodeIdOf(snapshot, 'inert'), x: 0, y: 10 } });
    assert.deepEqual(await nextOfType(agent, 'action-refused'), { type: 'action-refused', id: 201, code: 'TARGET_LOCKED' });
    agent.close();
    await customer.context.close();
  });
});
