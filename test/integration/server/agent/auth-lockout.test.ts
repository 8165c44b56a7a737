import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_MESSAGES } from '../../../../common/errors.js';
import { startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { mustConnect, mustRefuse } from '../net-helpers/ws-client.js';

const TOKEN = '55555555555555555555555555';
const WRONG = '55555555555555555555555556';
const OTHER_WRONG = '55555555555555555555555557';
const LIMITS = {
  authFailureWindowMs: 60_000,
  authFailuresBeforeSlowdown: 2,
  authSlowdownDelayMs: 300,
  authFailuresBeforeLockout: 4,
  authLockoutMs: 120_000,
};

describe('repeated agent auth failures from one address', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('are slowed, then the failing token is refused with 429 while the right token from the same address is admitted', async () => {
    t = await startTestServer({ token: TOKEN, limits: LIMITS, fakeClock: true });
    const url = t.wsUrl('/cobrowse/agent');
    const timings: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const started = performance.now();
      const refusal = await mustRefuse(url, { 'X-Cobrowse-Agent-Token': WRONG });
      timings.push(performance.now() - started);
      assert.equal(refusal.status, 401);
    }
    assert.ok(timings[0]! < 250 && timings[1]! < 250, `first refusals are not delayed: ${timings.join(', ')}`);
    assert.ok(timings[2]! >= 280 && timings[3]! >= 280, `later refusals are delayed: ${timings.join(', ')}`);

    const locked = await mustRefuse(url, { 'X-Cobrowse-Agent-Token': WRONG });
    assert.equal(locked.status, 429);
    assert.equal(locked.headers['retry-after'], '120');
    assert.deepEqual(locked.body, { code: 'AGENT_AUTH_LOCKED_OUT', message: ERROR_MESSAGES.AGENT_AUTH_LOCKED_OUT });

    // Same address (a contact center's NAT): the agent with the right token is not locked out.
    const colleague = await mustConnect(url, { 'X-Cobrowse-Agent-Token': TOKEN });
    assert.equal((await colleague.next()).agentAuth, 'token');
    colleague.close();

    // Another wrong token from the locked address hears the lockout, after the slowdown.
    const started = performance.now();
    const sprayed = await mustRefuse(url, { 'X-Cobrowse-Agent-Token': OTHER_WRONG });
    assert.equal(sprayed.status, 429);
    assert.ok(performance.now() - started >= 280, 'a locked address is answered slowly');

    assert.equal(t.log.warnings('AGENT_TOKEN_INVALID').length, 1, 'four refusals, one warning in the window');
    assert.equal(t.log.warnings('AGENT_AUTH_LOCKED_OUT').length, 1, 'two lockout refusals, one warning');

    t.clock.now += 61_000;
    const stillLocked = await mustRefuse(url, { 'X-Cobrowse-Agent-Token': WRONG });
    assert.equal(stillLocked.headers['retry-after'], '59');
    const [next] = t.log.warnings('AGENT_AUTH_LOCKED_OUT').slice(1);
    assert.equal(next?.suppressedSinceLastWarning, 1, 'the next window tells how many were not logged');

    t.clock.now += 60_000;
    const again = await mustRefuse(url, { 'X-Cobrowse-Agent-Token': WRONG });
    assert.equal(again.status, 401, 'the lock ended: the token is checked (and wrong) again');
    assert.ok(!t.log.raw().includes(TOKEN) && !t.log.raw().includes(WRONG));
  });
});
