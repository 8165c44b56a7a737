import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renewalDelayMs, renewalRetryMs } from '../../../src/cobrowse/identity-renewal.js';

/** An unsigned JWT-shaped token with these claims (only decoded, never verified, on this side). */
function jwt(claims: Record<string, number>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.sig`;
}

describe('when an open link presents a renewed access token', () => {
  const iat = 1_800_000_000;
  const now = iat * 1000;

  it('a 20 s token: at the sign-in service refresh time (half its life) plus the margin', () => {
    assert.equal(renewalDelayMs(jwt({ iat, exp: iat + 20 }), now, 1000), 11_000);
  });

  it('an hour token: 60 s before exp plus the margin, counted from now', () => {
    assert.equal(renewalDelayMs(jwt({ iat, exp: iat + 3600 }), now + 1000, 1000), 3_540_000);
  });

  it('no exp or not a JWT: no renewal scheduled', () => {
    assert.equal(renewalDelayMs(jwt({ iat }), now, 1000), null);
    assert.equal(renewalDelayMs('opaque-token-value', now, 1000), null);
  });

  it('asking again: every retry interval, sooner near exp, never past it', () => {
    const token = jwt({ iat, exp: iat + 20 });
    assert.equal(renewalRetryMs(token, now + 5_000, 5_000), 5_000);
    assert.equal(renewalRetryMs(token, now + 16_000, 5_000), 2_000);
    assert.equal(renewalRetryMs(token, now + 20_000, 5_000), null);
  });
});
