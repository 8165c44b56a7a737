import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffDelay } from '../../../src/cobrowse/backoff.js';
import { CHANNEL_LIMITS } from '../../../src/cobrowse/limits.js';

const limits = { backoffBaseMs: 500, backoffCapMs: 30_000 };

describe('reconnect backoff (full jitter, capped)', () => {
  it('doubles the window each failure until the cap', () => {
    // The largest draw just under 1 shows the window's ceiling.
    const top = () => 0.999_999_999;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelay(n, limits, top)),
      [499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999],
    );
  });

  it('can be as short as zero at any attempt (full jitter, not equal jitter)', () => {
    for (const n of [1, 5, 50]) assert.equal(backoffDelay(n, limits, () => 0), 0);
  });

  it('scales the draw across the whole window', () => {
    assert.equal(backoffDelay(3, limits, () => 0.5), 1000);
    assert.equal(backoffDelay(20, limits, () => 0.25), 7500);
  });

  it('stays an integer in [0, min(cap, base·2^(n-1))) for any attempt and draw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        const d = backoffDelay(n, limits, () => r);
        const ceiling = Math.min(limits.backoffCapMs, limits.backoffBaseMs * 2 ** Math.min(n - 1, 60));
        return Number.isInteger(d) && d >= 0 && d < ceiling;
      }),
    );
  });

  it('spreads real random draws over the window', () => {
    const draws = Array.from({ length: 2000 }, () => backoffDelay(4, limits));
    assert.ok(Math.min(...draws) < 400, 'some retries come early');
    assert.ok(Math.max(...draws) > 3600, 'some retries come late');
    assert.ok(draws.every((d) => d >= 0 && d < 4000));
  });

  it('never returns NaN or a negative delay for a broken random source', () => {
    for (const r of [Number.NaN, -1, 1, 2]) assert.equal(backoffDelay(2, limits, () => r), 0);
  });

  it('rejects attempt numbers below 1', () => {
    assert.throws(() => backoffDelay(0, limits), RangeError);
    assert.throws(() => backoffDelay(1.5, limits), RangeError);
  });

  it('uses product limits that make sense together', () => {
    assert.ok(CHANNEL_LIMITS.backoffBaseMs > 0 && CHANNEL_LIMITS.backoffBaseMs < CHANNEL_LIMITS.backoffCapMs);
    assert.ok(CHANNEL_LIMITS.backoffCapMs <= 60_000, 'an agent waits at most a minute after the server is back');
  });
});
