// In the e2e level (one file at a time): it times the customer page's main thread, which a
// second test file sharing the two cores would distort.
// Hostile markup on the customer page travels to the agent as data (the agent's view must not run
// it: tested on the agent side), and the capture cost on the demo page and a 10,000-node page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { frameBytes } from '../../integration/snippet/helpers/page-frames.js';
import { startSnippetStack, type SnippetStack } from '../../integration/snippet/helpers/snippet-stack.js';
import { join as joinSession, startCobrowse } from '../../integration/snippet/helpers/customer-page.js';

const SNIPPET_TAG = '<script src="{{COBROWSE_SERVER}}/cobrowse/snippet.js" data-server="{{COBROWSE_SERVER}}" async></script>';

const HOSTILE = `<!doctype html><html><head><title>Hostile</title>
<meta http-equiv="refresh" content="86400;url=https://evil.example/">
<base href="${'{{COBROWSE_SERVER}}'}/">
</head><body>
<h1 id="t">Hostile page</h1>
<img id="evil-img" src="missing.png" onerror="window.__agentPwned = 1">
<a id="evil-link" href="javascript:window.__agentPwned=2">click</a>
<div id="evil-div" onclick="window.__agentPwned=3">div</div>
<script>window.__customerScriptRan = true;</script>
${SNIPPET_TAG}</body></html>`;

// 2,000 rows × 5 cells: 10,000 cells plus rows and text, over 22,000 nodes.
const LARGE = `<!doctype html><html><head><title>Large</title></head><body><table id="big"><tbody>${Array.from(
  { length: 2000 },
  (_, r) => `<tr>${Array.from({ length: 5 }, (_, c) => `<td id="c${r}-${c}">r${r}c${c}</td>`).join('')}</tr>`,
).join('')}</tbody></table>${SNIPPET_TAG}</body></html>`;

describe('hostile and large customer pages', () => {
  let stack: SnippetStack;
  before(async () => {
    stack = await startSnippetStack({ extraPages: { '/hostile.html': HOSTILE, '/large.html': LARGE } });
  });
  after(() => stack.close());

  it('hostile markup is relayed as data, byte for byte as the page sent it', async () => {
    const customer = await startCobrowse(stack.browser, `${stack.site.origin}/hostile.html`);
    const agent = await stack.agent();
    const before = stack.relayed.length;
    const { snapshot } = await joinSession(agent, customer.code);
    const text = JSON.stringify(snapshot);
    assert.ok(text.includes('window.__agentPwned = 1'), 'the onerror handler is carried as an attribute value');
    assert.ok(text.includes('javascript:window.__agentPwned=2'), 'the javascript: URL is carried');
    assert.ok(text.includes('86400;url=https://evil.example/'), 'the meta refresh is carried');
    assert.ok(text.includes('"tagName":"base"'), 'the base element is carried');
    const frame = stack.relayed.slice(before).find((f) => f.binary && f.to === 'agent');
    assert.ok(frame && Buffer.isBuffer(frame.data) && frameBytes(frame.data).subarray(1).toString('utf8') === text, 'the server did not alter the frame');
    agent.close();
    await customer.context.close();
  });

  it('measures snapshot size and time on the demo page and a 10,000-cell page, and the main-thread cost while it mutates', async () => {
    const demo = await startCobrowse(stack.browser, stack.site.url);
    const demoAgent = await stack.agent();
    const demoSnap = await joinSession(demoAgent, demo.code);
    const demoMs = (await demo.page.evaluate(`performance.getEntriesByName('agentdesk:snapshot')[0].duration`)) as number;
    console.log(`demo page: full snapshot ${demoSnap.bytes} bytes in ${demoMs.toFixed(1)} ms`);
    assert.ok(demoSnap.bytes < 200_000, 'the demo page snapshot is small');
    demoAgent.close();
    await demo.context.close();

    const large = await startCobrowse(stack.browser, `${stack.site.origin}/large.html`);
    const nodes = (await large.page.evaluate(`document.getElementsByTagName('*').length`)) as number;
    const agent = await stack.agent();
    const snap = await joinSession(agent, large.code);
    const ms = (await large.page.evaluate(`performance.getEntriesByName('agentdesk:snapshot')[0].duration`)) as number;
    console.log(`large page (${nodes} elements): full snapshot ${snap.bytes} bytes in ${ms.toFixed(1)} ms`);
    assert.ok(nodes > 10_000);
    assert.ok(snap.bytes < 8 * 1024 * 1024, 'fits the snapshot ceiling');
    // Chromium compresses in the page: the frame on the wire is a fraction of its JSON text.
    const jsonBytes = Buffer.byteLength(JSON.stringify(snap.snapshot));
    const measured = (await large.page.evaluate(`performance.getEntriesByName('agentdesk:snapshot')[0].detail`)) as { bytes: number; jsonBytes: number };
    assert.equal(measured.bytes, snap.bytes, 'the page measured the frame the agent got');
    assert.equal(measured.jsonBytes, jsonBytes, 'which inflates to exactly the text the page serialized');
    assert.ok(snap.bytes * 4 < jsonBytes, `compressed ${snap.bytes} B of ${jsonBytes} B of JSON`);

    // 3 s of churn: every 100 ms, 500 cells change text. Long tasks and the worst frame gap tell
    // whether capture freezes the page.
    const result = (await large.page.evaluate(`new Promise((resolve) => {
      const longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); }).observe({ type: 'longtask' });
      let worstGap = 0, last = performance.now(), frames = 0;
      const raf = (t) => { worstGap = Math.max(worstGap, t - last); last = t; frames++; if (!done) requestAnimationFrame(raf); };
      let done = false; requestAnimationFrame(raf);
      let tick = 0; let mutateMs = 0;
      const timer = setInterval(() => {
        const t0 = performance.now();
        for (let i = 0; i < 500; i++) document.getElementById('c' + ((tick * 500 + i) % 2000) + '-' + (i % 5)).textContent = 'v' + tick + '-' + i;
        mutateMs += performance.now() - t0;
        tick++;
      }, 100);
      setTimeout(() => { clearInterval(timer); done = true; setTimeout(() => resolve({ longTasks, worstGap, frames, mutateMs, ticks: tick }), 200); }, 3000);
    })`)) as { longTasks: number[]; worstGap: number; frames: number; mutateMs: number; ticks: number };
    const longTotal = result.longTasks.reduce((a, b) => a + b, 0);
    console.log(
      `while mutating 500 cells every 100 ms for 3 s: ${result.longTasks.length} long tasks (total ${longTotal.toFixed(0)} ms), worst frame gap ${result.worstGap.toFixed(0)} ms, ${result.frames} frames; the page's own mutation code took ${result.mutateMs.toFixed(0)} ms`,
    );
    assert.ok(result.worstGap < 500, `no freeze: the worst frame gap was ${result.worstGap.toFixed(0)} ms`);
    agent.close();
    await large.context.close();
  });
});
