// The first snapshot of a large page is taken in slices while the page keeps changing, and the
// agent's replay still ends equal to the customer's page: rows re-texted, re-classed, appended,
// removed, moved to the front and inserted in the middle the whole time the snapshot is taken.
// Real Chromium, the real snippet (bundled with the rrweb seam), the real server; the agent's DOM
// is rrweb's Replayer fed every frame the agent got.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSnippetStack, type SnippetStack } from './helpers/snippet-stack.js';
import { nextOfType, startCobrowse } from './helpers/customer-page.js';
import { agentDom } from './helpers/agent-dom.js';
import { decodeFrame, frameBytes, leakForms, type RrwebEvent, type SerializedNode } from './helpers/page-frames.js';

const ROWS = 1200;
const SECRET = 'SlicedSecret4242';

function row(i: number): string {
  return `<div class="row" id="r${i}"><span class="name">Row ${i}</span> <b class="price">${i}.00</b><em>note ${i % 7}</em></div>`;
}

// About 4,800 elements: over the slicing threshold (limits.ts), with a masked section at the very
// end, so it is sent by a late slice, not in the first one.
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Big list</title></head><body>
<main id="list">${Array.from({ length: ROWS }, (_, i) => row(i)).join('\n')}</main>
<section data-cobrowse-mask id="private"><p>${SECRET}</p></section>
<script src="{{COBROWSE_SERVER}}/cobrowse/snippet.js" data-server="{{COBROWSE_SERVER}}" async></script>
</body></html>`;

// Runs in the page: every 2 ms one of each kind of change, from a seeded generator (same run each time).
const MUTATOR = `(() => {
  let seed = 7;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  let tick = 0;
  window.__changes = 0;
  window.__mutator = setInterval(() => {
    const list = document.getElementById('list');
    const rows = list.children;
    rows[rnd(rows.length)].querySelector('.price').textContent = (rnd(100000) / 100).toFixed(2);
    rows[rnd(rows.length)].classList.toggle('sel');
    const added = document.createElement('div');
    added.className = 'row';
    added.id = 'n' + tick;
    added.innerHTML = '<span class="name">New ' + tick + '</span><b class="price">0</b>';
    list.appendChild(added);
    list.insertBefore(rows[rnd(rows.length)], list.firstChild);
    const middle = document.createElement('p');
    middle.textContent = 'inserted ' + tick;
    list.insertBefore(middle, rows[rnd(rows.length)]);
    list.removeChild(rows[rnd(rows.length)]);
    tick += 1;
    window.__changes += 6;
  }, 2);
})()`;

function countRows(node: SerializedNode | undefined): number {
  if (!node) return 0;
  const own = node.attributes?.class === 'row' ? 1 : 0;
  return own + (node.childNodes ?? []).reduce((sum, child) => sum + countRows(child), 0);
}

describe('sliced first snapshot (real Chromium, real server)', () => {
  let stack: SnippetStack;
  before(async () => {
    stack = await startSnippetStack({ extraPages: { '/big.html': PAGE } });
  });
  after(() => stack.close());

  it('the agent replays exactly the page that changed while its snapshot was taken in slices; the masked section never leaves', async () => {
    const customer = await startCobrowse(stack.browser, `${stack.site.origin}/big.html`);
    const agent = await stack.agent();
    try {
      await customer.page.evaluate(MUTATOR);
      agent.send({ type: 'join', code: customer.code });
      await nextOfType(agent, 'joined');
      const frames: Buffer[] = [];
      let snapshot: RrwebEvent[] | null = null;
      while (!snapshot) {
        const frame = await agent.nextBinary(15_000);
        const decoded = decodeFrame(frame);
        if (decoded.kind === 'snapshot') {
          snapshot = decoded.events;
          frames.push(frame);
        }
      }
      // Still changing after the snapshot: incremental frames on top of it must agree too.
      await customer.page.waitForTimeout(300);
      const changes = (await customer.page.evaluate('clearInterval(window.__mutator), window.__changes')) as number;
      // The last batch leaves within the flush interval (50 ms); then the socket goes quiet.
      for (;;) {
        const frame = await agent.nextBinary(1500).catch(() => null);
        if (!frame) break;
        frames.push(frame);
      }
      const customerList = (await customer.page.evaluate(`document.getElementById('list').outerHTML`)) as string;

      // Sliced: the FullSnapshot holds only part of the rows, the rest came as adds in the same frame.
      const full = snapshot.find((e) => e.type === 2);
      assert.ok(full, 'the snapshot frame has a FullSnapshot');
      const rowsInTop = countRows(full.data.node);
      assert.ok(rowsInTop < ROWS, `the first slice held ${rowsInTop} of ${ROWS} rows`);
      const mutations = snapshot.filter((e) => e.type === 3 && (e.data as { source?: number }).source === 0) as unknown as { data: { adds: unknown[]; removes: unknown[] } }[];
      assert.ok(mutations.some((m) => m.data.adds.length > 0), 'the rest of the page came as adds in the snapshot frame');
      // rrweb's own observer reported removals while the slices ran: the page changed meanwhile.
      assert.ok(mutations.some((m) => m.data.removes.length > 0), 'the page changed while the snapshot was being taken');
      assert.ok(changes > 30, `the page made ${changes} changes during the test`);

      const doms = await agentDom(stack.browser, frames, { selector: '#list' });
      assert.equal(doms.length, 1, 'one snapshot');
      assert.equal(doms[0], customerList);

      const relayed = Buffer.concat(stack.relayed.map((f) => frameBytes(f.data)));
      for (const form of leakForms(SECRET)) assert.ok(!relayed.includes(form), 'the masked section left the page');
    } finally {
      agent.close();
      await customer.context.close();
    }
  });
});
