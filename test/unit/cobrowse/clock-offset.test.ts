import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createClockOffsetEstimator, probeSample } from '../../../src/cobrowse/clock-offset.js';

describe('lag probe math', () => {
  it('a customer clock 5 s ahead, 40 ms each way: offset 5000, round trip 80', () => {
    // Agent sends at 1000; the page reads its clock 40 ms later (agent 1040 = customer 6040); back at 1080.
    assert.deepEqual(probeSample(1000, 6040, 1080), { roundTripMs: 80, clockOffsetMs: 5000 });
  });

  it('a customer clock behind gives a negative offset', () => {
    assert.deepEqual(probeSample(2000, 1010, 2020), { roundTripMs: 20, clockOffsetMs: -1000 });
  });

  it('an echo heard before its probe left cannot be a sample', () => {
    assert.equal(probeSample(2000, 0, 1999), null);
    assert.equal(probeSample(Number.NaN, 0, 1), null);
  });

  it('with symmetric legs the estimate is exact, whatever the skew and delays', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: -1e8, max: 1e8 }), fc.integer({ min: 0, max: 10_000 }), (t0, skew, leg) => {
        const sample = probeSample(t0, t0 + leg + skew, t0 + 2 * leg);
        assert.ok(sample);
        assert.equal(sample.clockOffsetMs, skew);
        assert.equal(sample.roundTripMs, 2 * leg);
      }),
    );
  });

  it('with asymmetric legs the error is at most half the round trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: -1e8, max: 1e8 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 5000 }), (t0, skew, out, back) => {
        const sample = probeSample(t0, t0 + out + skew, t0 + out + back);
        assert.ok(sample);
        assert.ok(Math.abs(sample.clockOffsetMs - skew) <= sample.roundTripMs / 2);
      }),
    );
  });
});

describe('clock offset estimator', () => {
  it('trusts the sample with the shortest round trip among the recent ones', () => {
    const e = createClockOffsetEstimator(3);
    assert.equal(e.offset(), null);
    assert.deepEqual(e.add({ roundTripMs: 30, clockOffsetMs: 100 }), { roundTripMs: 30, clockOffsetMs: 100 });
    // A probe stuck behind a snapshot: long round trip, skewed offset. The estimate keeps 100.
    assert.deepEqual(e.add({ roundTripMs: 900, clockOffsetMs: 550 }), { roundTripMs: 900, clockOffsetMs: 100 });
    assert.deepEqual(e.add({ roundTripMs: 20, clockOffsetMs: 104 }), { roundTripMs: 20, clockOffsetMs: 104 });
    assert.equal(e.offset(), 104);
  });

  it('forgets samples older than its window, so a changed clock is followed', () => {
    const e = createClockOffsetEstimator(2);
    e.add({ roundTripMs: 5, clockOffsetMs: 0 });
    e.add({ roundTripMs: 50, clockOffsetMs: 3000 });
    e.add({ roundTripMs: 60, clockOffsetMs: 3010 });
    assert.equal(e.offset(), 3000);
    e.reset();
    assert.equal(e.offset(), null);
  });

  it('refuses a window that cannot hold a sample', () => {
    assert.throws(() => createClockOffsetEstimator(0), RangeError);
  });
});
