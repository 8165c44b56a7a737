import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { admitAgentToken, tokenAgentStanding } from '../../../../server/policy/agent-token-policy.js';
import { secretDigest } from '../../../../server/policy/secret-digest.js';

const T = '01234567890123456789012345';
const P = '99999999999999999999999999';
const NOW = 1_700_000_000_000;
const none = { current: null, previous: null };
const set = { current: T, previous: null };

describe('admitAgentToken', () => {
  it('follows the four rows of the Genesys table under compatible', () => {
    assert.deepEqual(admitAgentToken(none, undefined, 'compatible', NOW), { kind: 'accepted-without-auth', warning: null });
    assert.deepEqual(admitAgentToken(none, T, 'compatible', NOW), { kind: 'accepted-without-auth', warning: 'AGENT_TOKEN_NOT_CONFIGURED' });
    const same = admitAgentToken(set, T, 'compatible', NOW);
    assert.equal(same.kind, 'accepted-with-token');
    assert.deepEqual(admitAgentToken(set, P, 'compatible', NOW), { kind: 'refused', code: 'AGENT_TOKEN_INVALID' });
    assert.deepEqual(admitAgentToken(set, undefined, 'compatible', NOW), { kind: 'refused', code: 'AGENT_TOKEN_INVALID' });
  });

  it('under required, refuses everyone while no token is configured', () => {
    assert.deepEqual(admitAgentToken(none, undefined, 'required', NOW), { kind: 'refused', code: 'AGENT_TOKEN_REQUIRED' });
    assert.deepEqual(admitAgentToken(none, T, 'required', NOW), { kind: 'refused', code: 'AGENT_TOKEN_REQUIRED' });
    assert.equal(admitAgentToken(set, T, 'required', NOW).kind, 'accepted-with-token');
  });

  it('refuses a repeated header (array) and any string that is not exactly the token', () => {
    assert.equal(admitAgentToken(set, [T, T], 'compatible', NOW).kind, 'refused');
    assert.equal(admitAgentToken(set, `${T}, ${T}`, 'compatible', NOW).kind, 'refused');
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (candidate) => {
        fc.pre(candidate !== T);
        return admitAgentToken(set, candidate, 'compatible', NOW).kind === 'refused';
      }),
    );
  });

  it('accepts the previous token during the grace only, with its deadline', () => {
    const grace = { current: T, previous: { token: P, validUntil: NOW + 1000 } };
    const during = admitAgentToken(grace, P, 'compatible', NOW + 999);
    assert.equal(during.kind, 'accepted-with-token');
    assert.equal(during.kind === 'accepted-with-token' && during.validUntil, NOW + 1000);
    assert.deepEqual(admitAgentToken(grace, P, 'compatible', NOW + 1000), { kind: 'refused', code: 'AGENT_TOKEN_INVALID' });
  });
});

describe('tokenAgentStanding (after a change of the token)', () => {
  const dT = secretDigest(T);
  const dP = secretDigest(P);

  it('keeps agents on the current token, and on the previous one until the grace ends', () => {
    const grace = { current: T, previous: { token: P, validUntil: NOW + 1000 } };
    assert.deepEqual(tokenAgentStanding(dT, grace, 'compatible', NOW), { stays: true, until: null });
    assert.deepEqual(tokenAgentStanding(dP, grace, 'compatible', NOW), { stays: true, until: NOW + 1000 });
    assert.deepEqual(tokenAgentStanding(dP, grace, 'compatible', NOW + 1000), { stays: false });
  });

  it('drops agents whose token was rotated away without grace', () => {
    assert.deepEqual(tokenAgentStanding(dP, set, 'compatible', NOW), { stays: false });
  });

  it('a cleared token keeps agents under compatible and drops them under required', () => {
    assert.deepEqual(tokenAgentStanding(dT, none, 'compatible', NOW), { stays: true, until: null });
    assert.deepEqual(tokenAgentStanding(dT, none, 'required', NOW), { stays: false });
  });
});
