import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LoopMonitor, summarizeGc } from '../../../../bench/relays/loop-monitor.js';

const busyFor = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const turn = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('LoopMonitor', () => {
  it('sees a 40 ms stall of the loop and the young-generation GCs that garbage causes', async () => {
    const monitor = new LoopMonitor();
    monitor.start();
    await turn(30);
    busyFor(40);
    let keep = 0;
    for (let round = 0; round < 20; round++) {
      // Short-lived garbage, as a relay makes per frame: it must show as minor GCs.
      for (let i = 0; i < 20_000; i++) keep += { a: i, b: [i, i + 1], c: `x${i}` }.b.length;
      await turn(2);
    }
    await turn(30);
    const window = monitor.stop();
    assert.ok(keep > 0);
    assert.ok(window, 'a started window answers');
    assert.ok(window.loopDelay.maxMs >= 30, `max loop delay ${window.loopDelay.maxMs} ms should show the 40 ms stall`);
    assert.ok(window.loopDelay.overMsPct['20']! > 0, 'some samples were at least 20 ms late');
    assert.ok(window.loopDelay.overMsPct['50']! <= window.loopDelay.overMsPct['20']!, 'the shares fall as the threshold rises');
    assert.ok(window.gc.count > 0 && (window.gc.byKind.minor?.count ?? 0) > 0, `minor GCs seen: ${JSON.stringify(window.gc)}`);
    assert.equal(monitor.stop(), null, 'a stopped monitor has no window');
  });
});

describe('summarizeGc', () => {
  it('totals pauses per kind and overall', () => {
    const s = summarizeGc([
      { kind: 'minor', ms: 1 },
      { kind: 'minor', ms: 3 },
      { kind: 'major', ms: 7.5 },
    ]);
    assert.equal(s.count, 3);
    assert.equal(s.totalMs, 11.5);
    assert.equal(s.maxMs, 7.5);
    assert.deepEqual(s.byKind.minor, { count: 2, totalMs: 4, maxMs: 3 });
    assert.deepEqual(s.byKind.major, { count: 1, totalMs: 7.5, maxMs: 7.5 });
  });

  it('is all zeros without pauses', () => {
    assert.deepEqual(summarizeGc([]), { count: 0, totalMs: 0, maxMs: 0, p99Ms: 0, byKind: {} });
  });
});
