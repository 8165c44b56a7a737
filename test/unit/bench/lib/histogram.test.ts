import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Histogram, summarize } from '../../../../bench/lib/histogram.js';

/** The exact nearest-rank percentile of a list. */
function exactPercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

describe('Histogram', () => {
  it('reports percentiles within 1% above the exact value, never below (fuzzed)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 2, max: 60_000_000, noNaN: true }), { minLength: 1, maxLength: 400 }), fc.constantFrom(0.5, 0.99, 0.999), (values, p) => {
        const h = new Histogram();
        for (const v of values) h.record(v);
        const exact = exactPercentile(values, p);
        const got = h.percentileUs(p)!;
        assert.ok(got >= exact * 0.9999, `p${p * 100}: ${got} < exact ${exact}`);
        assert.ok(got <= exact * 1.0101, `p${p * 100}: ${got} more than 1% above exact ${exact}`);
      }),
    );
  });

  it('finds a slow tail: 990 frames at 1 ms and 10 at 200 ms give p50 1 ms, p99 1 ms, p99.9 200 ms', () => {
    const h = new Histogram();
    for (let i = 0; i < 990; i++) h.record(1000);
    for (let i = 0; i < 10; i++) h.record(200_000);
    const s = summarize(h);
    assert.equal(s.samples, 1000);
    assert.ok(Math.abs(s.p50Ms! - 1) < 0.011);
    assert.ok(Math.abs(s.p99Ms! - 1) < 0.011);
    assert.ok(Math.abs(s.p999Ms! - 200) < 2.01);
    assert.equal(s.maxMs, 200);
  });

  it('merges generators by adding counts, through the JSON form sent over IPC', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 1; i <= 100; i++) a.record(i * 100);
    for (let i = 1; i <= 100; i++) b.record(i * 100 + 50_000);
    const merged = Histogram.merged([JSON.parse(JSON.stringify(a.toJSON())), JSON.parse(JSON.stringify(b.toJSON()))]);
    assert.equal(merged.total, 200);
    assert.equal(merged.maxUs, 60_000);
    // Half the samples are at most 10 ms, so the median is the top of a's range.
    assert.ok(Math.abs(merged.percentileUs(0.5)! - 10_000) <= 100);
  });

  it('says nothing rather than zero when empty', () => {
    const s = summarize(new Histogram());
    assert.deepEqual(s, { samples: 0, p50Ms: null, p99Ms: null, p999Ms: null, maxMs: null });
  });
});
