import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomDigits } from '../../../../server/sessions/random-digits.js';

describe('randomDigits', () => {
  it('returns exactly the requested number of ASCII digits', () => {
    for (const length of [1, 9, 26, 100]) assert.match(randomDigits(length), new RegExp(`^[0-9]{${length}}$`));
  });

  it('is uniform per digit (chi-square over 200,000 digits) and per position', () => {
    const counts = Array.from({ length: 10 }, () => 0);
    const firstZero = { n: 0 };
    for (let i = 0; i < 20_000; i += 1) {
      const s = randomDigits(10);
      for (const ch of s) counts[ch.charCodeAt(0) - 48]! += 1;
      if (s[0] === '0') firstZero.n += 1;
    }
    const expected = 20_000;
    const chi = counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: the 0.9999 quantile is about 33.7; a modulo-biased generator
    // (bytes % 10 without rejection) scores far above 40 at this sample size.
    assert.ok(chi < 40, `chi-square ${chi.toFixed(1)} for ${counts.join(',')}`);
    assert.ok(firstZero.n > 1700 && firstZero.n < 2300, `leading zero ${firstZero.n} of 20,000`);
  });
});
