import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WindowCounter } from '../../../../server/policy/window-counter.js';

describe('WindowCounter', () => {
  it('counts per key in a window that starts at the first event', () => {
    let now = 1000;
    const c = new WindowCounter(60_000, () => now);
    assert.equal(c.add('a'), 1);
    now += 30_000;
    assert.equal(c.add('a'), 2);
    assert.equal(c.count('b'), 0);
    assert.equal(c.msUntilReset('a'), 30_000);
    now += 30_000;
    assert.equal(c.count('a'), 0, 'the window of a ended');
    assert.equal(c.add('a'), 1);
  });

  it('keeps a window across a generation rotation until the window itself ends', () => {
    let now = 0;
    const c = new WindowCounter(60_000, () => now);
    now = 59_000;
    c.add('late');
    now = 61_000; // the generation rotated at 60 s; the window of `late` lasts until 119 s
    assert.equal(c.add('late'), 2);
    now = 118_000;
    assert.equal(c.count('late'), 2);
    now = 119_000;
    assert.equal(c.count('late'), 0);
  });

  it('past maxKeys, new keys share one overflow count instead of growing the map', () => {
    const c = new WindowCounter(60_000, () => 0, 3);
    for (const k of ['a', 'b', 'c']) c.add(k);
    assert.equal(c.add('d'), 1);
    assert.equal(c.add('e'), 2, 'e shares the overflow window with d');
    assert.equal(c.count('f'), 2);
    assert.equal(c.count('a'), 1, 'keys that have their own window keep it');
  });
});
