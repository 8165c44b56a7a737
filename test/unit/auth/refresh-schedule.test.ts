import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isFinalRefusal, refreshAtFor, retryDelayMs } from '../../../src/auth/refresh-schedule.js';
import { REFRESH_BACKOFF_MAX_MS, REFRESH_MIN_INTERVAL_MS, REFRESH_SKEW_MS } from '../../../src/limits.js';

describe('refresh schedule', () => {
  it('renews an hour-long token one skew before expiry', () => {
    assert.equal(refreshAtFor(1_000, 3_600_000), 1_000 + 3_600_000 - REFRESH_SKEW_MS);
  });

  it('never skews more than half the lifetime: 60 s and 20 s tokens are renewed half-way', () => {
    assert.equal(refreshAtFor(0, 60_000), 30_000);
    assert.equal(refreshAtFor(0, 20_000), 10_000);
  });

  it('keeps the floor for tokens that live a few seconds or none', () => {
    assert.equal(refreshAtFor(0, 4_000), REFRESH_MIN_INTERVAL_MS);
    assert.equal(refreshAtFor(0, 0), REFRESH_MIN_INTERVAL_MS);
  });

  it('has no time to renew when the provider gives no lifetime', () => {
    assert.equal(refreshAtFor(0, null), null);
  });

  it('draws retry waits between half the ceiling and the ceiling, never under the floor, capped', () => {
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const low = retryDelayMs(attempt, () => 0);
      const high = retryDelayMs(attempt, () => 0.999_999);
      assert.ok(low >= REFRESH_MIN_INTERVAL_MS && high <= REFRESH_BACKOFF_MAX_MS, `attempt ${attempt}: ${low}..${high}`);
      assert.ok(high >= low);
    }
    assert.equal(retryDelayMs(3, () => 0), 10_000);
    assert.equal(retryDelayMs(3, () => 0.5), 15_000);
    assert.equal(retryDelayMs(30, () => 0), REFRESH_BACKOFF_MAX_MS / 2);
  });

  it('treats every 4xx but 408 and 429 as the end of the sign-in, and nothing else', () => {
    for (const status of [400, 401, 403, 404, 405, 410, 422, 499]) assert.equal(isFinalRefusal(status), true, String(status));
    for (const status of [null, 200, 302, 408, 429, 500, 502, 503]) assert.equal(isFinalRefusal(status), false, String(status));
  });
});
