import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthFailureLimiter } from '../../../../server/policy/auth-failure-limiter.js';

const LIMITS = {
  authFailureWindowMs: 60_000,
  authFailuresBeforeSlowdown: 2,
  authSlowdownDelayMs: 500,
  authFailuresBeforeLockout: 4,
  authLockoutMs: 300_000,
};

describe('AuthFailureLimiter', () => {
  it('slows an address after the slowdown threshold and locks it at the lockout threshold', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(LIMITS, () => now);
    assert.deepEqual(limiter.gate('10.0.0.1'), { kind: 'open', delayMs: 0 });
    limiter.recordFailure('10.0.0.1');
    assert.deepEqual(limiter.gate('10.0.0.1'), { kind: 'open', delayMs: 0 });
    limiter.recordFailure('10.0.0.1');
    assert.deepEqual(limiter.gate('10.0.0.1'), { kind: 'open', delayMs: 500 });
    limiter.recordFailure('10.0.0.1');
    limiter.recordFailure('10.0.0.1');
    assert.deepEqual(limiter.gate('10.0.0.1'), { kind: 'locked', retryAfterSec: 300 });
    assert.deepEqual(limiter.gate('10.0.0.2'), { kind: 'open', delayMs: 0 }, 'other addresses are not affected');
    now += 299_001;
    assert.deepEqual(limiter.gate('10.0.0.1'), { kind: 'locked', retryAfterSec: 1 });
    now += 1000;
    assert.deepEqual(limiter.gate('10.0.0.1'), { kind: 'open', delayMs: 0 }, 'the lock ends and the count starts over');
  });

  it('forgets failures when their window ends', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(LIMITS, () => now);
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    now += 60_000;
    limiter.recordFailure('a');
    assert.deepEqual(limiter.gate('a'), { kind: 'open', delayMs: 0 });
  });

  it('lets one warning per key and window through and reports how many were held back', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(LIMITS, () => now);
    assert.deepEqual(limiter.logDecision('k'), { log: true, suppressedBefore: 0 });
    assert.deepEqual(limiter.logDecision('k'), { log: false });
    assert.deepEqual(limiter.logDecision('k'), { log: false });
    assert.deepEqual(limiter.logDecision('other'), { log: true, suppressedBefore: 0 });
    now += 60_000;
    assert.deepEqual(limiter.logDecision('k'), { log: true, suppressedBefore: 2 });
  });
});
