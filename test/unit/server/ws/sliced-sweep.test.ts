import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sweepInSlices } from '../../../../server/ws/sliced-sweep.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('sweepInSlices', () => {
  it('visits every item in order, one slice per turn of the event loop, and lets other work run between slices', async () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const seen: string[] = [];
    let finished = false;
    // Work already waiting when the sweep starts (a page frame, here) runs before the second slice.
    setImmediate(() => seen.push('other'));
    sweepInSlices(items, 4, (i) => seen.push(`v${i}`), () => (finished = true));
    assert.deepEqual(seen, ['v0', 'v1', 'v2', 'v3'], 'the first slice runs at once');
    for (let i = 0; i < 4 && !finished; i++) await turn();
    assert.ok(finished);
    assert.deepEqual(seen, ['v0', 'v1', 'v2', 'v3', 'other', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
  });

  it('stops before the next slice when told to', async () => {
    const seen: number[] = [];
    let finished = false;
    const stop = sweepInSlices([1, 2, 3, 4, 5], 2, (i) => seen.push(i), () => (finished = true));
    stop();
    await turn();
    await turn();
    assert.deepEqual(seen, [1, 2]);
    assert.equal(finished, false);
  });

  it('finishes at once on an empty list, and treats a slice size under 1 as 1', async () => {
    let finished = false;
    sweepInSlices([], 10, () => assert.fail('nothing to visit'), () => (finished = true));
    assert.ok(finished);
    const seen: number[] = [];
    sweepInSlices([1, 2], 0, (i) => seen.push(i));
    assert.deepEqual(seen, [1]);
    await turn();
    assert.deepEqual(seen, [1, 2]);
  });
});
