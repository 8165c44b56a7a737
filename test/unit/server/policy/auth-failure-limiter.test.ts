import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthFailureLimiter, CredentialKeys } from '../../../../server/policy/auth-failure-limiter.js';

const LIMITS = {
  authFailureWindowMs: 60_000,
  authFailuresBeforeSlowdown: 2,
  authSlowdownDelayMs: 500,
  authFailuresBeforeLockout: 4,
  authLockoutMs: 300_000,
  counterMaxKeys: 1000,
};

describe('AuthFailureLimiter', () => {
  it('slows an address after the slowdown threshold and locks the failing credential at the lockout threshold', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(LIMITS, () => now);
    assert.deepEqual(limiter.gate('10.0.0.1', 'wrong'), { kind: 'open', delayMs: 0, addressLocked: false });
    limiter.recordFailure('10.0.0.1', 'wrong');
    assert.deepEqual(limiter.gate('10.0.0.1', 'wrong'), { kind: 'open', delayMs: 0, addressLocked: false });
    limiter.recordFailure('10.0.0.1', 'wrong');
    assert.deepEqual(limiter.gate('10.0.0.1', 'wrong'), { kind: 'open', delayMs: 500, addressLocked: false });
    limiter.recordFailure('10.0.0.1', 'wrong');
    limiter.recordFailure('10.0.0.1', 'wrong');
    assert.deepEqual(limiter.gate('10.0.0.1', 'wrong'), { kind: 'locked', retryAfterSec: 300 }, 'the failing credential is refused unchecked');
    assert.deepEqual(
      limiter.gate('10.0.0.1', 'right'),
      { kind: 'open', delayMs: 500, addressLocked: true, retryAfterSec: 300 },
      'another credential from the locked address is still checked',
    );
    assert.deepEqual(limiter.gate('10.0.0.2', 'right'), { kind: 'open', delayMs: 0, addressLocked: false }, 'other addresses are not affected');
    assert.deepEqual(limiter.gate('10.0.0.2', 'wrong'), { kind: 'locked', retryAfterSec: 300 }, 'the failing credential is locked from any address');
    now += 299_001;
    assert.deepEqual(limiter.gate('10.0.0.1', 'wrong'), { kind: 'locked', retryAfterSec: 1 });
    now += 1000;
    assert.deepEqual(limiter.gate('10.0.0.1', 'wrong'), { kind: 'open', delayMs: 0, addressLocked: false }, 'the lock ends and the count starts over');
  });

  it('forgets failures when their window ends', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(LIMITS, () => now);
    limiter.recordFailure('a', 'x');
    limiter.recordFailure('a', 'x');
    limiter.recordFailure('a', 'x');
    now += 60_000;
    limiter.recordFailure('a', 'x');
    assert.deepEqual(limiter.gate('a', 'x'), { kind: 'open', delayMs: 0, addressLocked: false });
  });

  it('locks an address sprayed with different credentials, without locking those credentials', () => {
    const limiter = new AuthFailureLimiter(LIMITS, () => 0);
    for (let i = 0; i < 4; i += 1) limiter.recordFailure('nat', `guess-${i}`);
    const gate = limiter.gate('nat', 'guess-5');
    assert.equal(gate.kind === 'open' && gate.addressLocked, true);
  });
});

describe('CredentialKeys', () => {
  it('gives equal keys for equal credentials and never contains them', () => {
    const keys = new CredentialKeys();
    const token = '12345678901234567890123456';
    assert.equal(keys.of(token, undefined), keys.of(token, undefined));
    assert.notEqual(keys.of(token, undefined), keys.of(`${token.slice(0, -1)}7`, undefined));
    assert.notEqual(keys.of(token, 'Bearer a'), keys.of(token, 'Bearer b'));
    assert.ok(!keys.of(token, undefined).includes(token));
    assert.notEqual(new CredentialKeys().of(token, undefined), keys.of(token, undefined), 'keyed per process');
  });
});
