import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PendingLedger, type PendingLogin } from '../../../src/auth/pending-ledger.js';
import { FakeClock } from '../../integration/auth/helpers/fake-clock.js';

function login(clock: FakeClock, state: string, ttl = 1000): PendingLogin {
  return { state, providerId: 'p', issuer: 'https://idp.example', redirectUri: 'com.agentdesk.desktop:/oauth/callback', codeVerifier: 'v'.repeat(43), nonce: 'n', expiresAt: clock.now() + ttl };
}

describe('pending-request ledger', () => {
  it('hands a state out once: after take, the same state is unknown', () => {
    const clock = new FakeClock();
    const ledger = new PendingLedger(clock);
    const l = login(clock, 's1');
    ledger.add(l);
    assert.deepEqual(ledger.find('s1'), { kind: 'pending', login: l });
    assert.deepEqual(ledger.find('other'), { kind: 'unknown' });
    assert.deepEqual(ledger.take('s1'), { kind: 'pending', login: l });
    assert.deepEqual(ledger.take('s1'), { kind: 'unknown' });
    assert.equal(ledger.current, null);
  });

  it('reports an expired state as expired, never as pending', () => {
    const clock = new FakeClock();
    const ledger = new PendingLedger(clock);
    ledger.add(login(clock, 's1', 1000));
    clock.advance(999);
    assert.equal(ledger.find('s1').kind, 'pending');
    clock.advance(1);
    assert.equal(ledger.find('s1').kind, 'expired');
  });

  it('holds one live sign-in at a time; an expired one may be replaced', () => {
    const clock = new FakeClock();
    const ledger = new PendingLedger(clock);
    ledger.add(login(clock, 's1', 1000));
    assert.throws(() => ledger.add(login(clock, 's2')), { code: 'LOGIN_IN_PROGRESS' });
    clock.advance(1000);
    ledger.add(login(clock, 's2'));
    assert.equal(ledger.find('s1').kind, 'unknown');
    ledger.remove('s2');
    assert.equal(ledger.current, null);
  });
});
