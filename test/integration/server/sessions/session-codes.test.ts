import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_MESSAGES } from '../../../../common/errors.js';
import { CUSTOMER_ORIGIN, startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { agentSocket, createSession, customerWithSession } from '../net-helpers/sessions.js';

describe('session creation and codes', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('creates a session for an allowed origin: 9-digit code, secret, expiry in 20 minutes, CORS for that origin', async () => {
    t = await startTestServer({ fakeClock: true });
    const res = await fetch(`${t.server.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: CUSTOMER_ORIGIN } });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('access-control-allow-origin'), CUSTOMER_ORIGIN);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as Record<string, string>;
    assert.match(body.code!, /^\d{9}$/);
    assert.ok(body.customerSecret!.length >= 32);
    assert.equal(Date.parse(body.expiresAt!), t.clock.now + 20 * 60_000);
    const other = await createSession(t);
    assert.notEqual(other.code, body.code);
    assert.notEqual(other.sessionId, body.sessionId);
  });

  it('answers the CORS preflight for an allowed origin and refuses a foreign one', async () => {
    t = await startTestServer();
    const ok = await fetch(`${t.server.url}/cobrowse/rest/sessions`, {
      method: 'OPTIONS',
      headers: { origin: CUSTOMER_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), CUSTOMER_ORIGIN);
    assert.match(ok.headers.get('access-control-allow-methods') ?? '', /POST/);
    const foreign = await fetch(`${t.server.url}/cobrowse/rest/sessions`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.test' } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  it('refuses session creation from a foreign origin or with no Origin (403 ORIGIN_NOT_ALLOWED)', async () => {
    t = await startTestServer();
    const attempts: Record<string, string>[] = [{ origin: 'https://evil.example.test' }, { origin: `${CUSTOMER_ORIGIN}.evil.test` }, {}];
    for (const headers of attempts) {
      const res = await fetch(`${t.server.url}/cobrowse/rest/sessions`, { method: 'POST', headers });
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      assert.deepEqual(await res.json(), { code: 'ORIGIN_NOT_ALLOWED', message: ERROR_MESSAGES.ORIGIN_NOT_ALLOWED });
    }
  });

  it('rate-limits session creation per address with 429 and Retry-After', async () => {
    t = await startTestServer({ limits: { sessionCreatesPerWindow: 3 } });
    for (let i = 0; i < 3; i += 1) await createSession(t);
    const res = await fetch(`${t.server.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: CUSTOMER_ORIGIN } });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.equal(((await res.json()) as { code: string }).code, 'SESSION_CREATE_RATE_LIMITED');
  });

  it('refuses a body that is not {} (400) and one over the size limit (413)', async () => {
    t = await startTestServer();
    const url = `${t.server.url}/cobrowse/rest/sessions`;
    const bad = await fetch(url, { method: 'POST', headers: { origin: CUSTOMER_ORIGIN }, body: '{"code":"123456789"}' });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, 'HTTP_BODY_INVALID');
    const big = await fetch(url, { method: 'POST', headers: { origin: CUSTOMER_ORIGIN }, body: `{"x":"${'a'.repeat(10_000)}"}` });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { code: string }).code, 'HTTP_BODY_TOO_LARGE');
  });

  it('a wrong code gets SESSION_CODE_UNKNOWN and the agent can try again', async () => {
    t = await startTestServer();
    const { session } = await customerWithSession(t);
    const agent = await agentSocket(t);
    const wrong = session.code === '000000000' ? '000000001' : '000000000';
    agent.send({ type: 'join', code: wrong });
    assert.deepEqual(await agent.next(), { type: 'error', code: 'SESSION_CODE_UNKNOWN', message: ERROR_MESSAGES.SESSION_CODE_UNKNOWN });
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).type, 'joined');
    agent.close();
  });

  it('a code is single-use: a second join (even after the first agent left) gets SESSION_CODE_USED', async () => {
    t = await startTestServer();
    const { session } = await customerWithSession(t);
    const first = await agentSocket(t);
    first.send({ type: 'join', code: session.code });
    assert.equal((await first.next()).type, 'joined');
    const second = await agentSocket(t);
    second.send({ type: 'join', code: session.code });
    assert.equal((await second.next()).code, 'SESSION_CODE_USED');
    first.send({ type: 'leave' });
    assert.equal((await first.next()).type, 'session-ended');
    second.send({ type: 'join', code: session.code });
    assert.equal((await second.next()).code, 'SESSION_CODE_USED');
    first.close();
    second.close();
  });

  it('an unjoined code expires after 20 minutes: the join is refused and the waiting customer hears expired', async () => {
    t = await startTestServer({ fakeClock: true, limits: { sessionSweepIntervalMs: 50 } });
    const { session, customer } = await customerWithSession(t);
    const agent = await agentSocket(t);
    t.clock.now += 20 * 60_000 - 1000;
    await new Promise((r) => setTimeout(r, 120));
    assert.deepEqual(customer.pending(), [], 'not expired one second early');
    t.clock.now += 1000;
    assert.deepEqual(await customer.next(), { type: 'session-ended', sessionId: session.sessionId, reason: 'expired' });
    assert.equal((await customer.waitClose()).code, 1000);
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).code, 'SESSION_CODE_EXPIRED');
    agent.close();
  });

  it('a code the customer stopped before anyone joined is refused as cancelled, not expired', async () => {
    t = await startTestServer();
    const { session, customer } = await customerWithSession(t);
    customer.send({ type: 'end' });
    assert.equal((await customer.waitClose()).code, 1000);
    const agent = await agentSocket(t);
    agent.send({ type: 'join', code: session.code });
    const refused = await agent.next();
    assert.equal(refused.code, 'SESSION_CODE_CANCELLED');
    assert.equal(refused.message, ERROR_MESSAGES.SESSION_CODE_CANCELLED);
    agent.close();
  });

  it('an expired code is refused at join time even before the sweep runs', async () => {
    t = await startTestServer({ fakeClock: true });
    const session = await createSession(t);
    const agent = await agentSocket(t);
    t.clock.now += 20 * 60_000;
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).code, 'SESSION_CODE_EXPIRED');
    agent.close();
  });

  it('wrong codes are rate-limited per connection: after the limit even the right code is not looked at', async () => {
    t = await startTestServer({ limits: { joinFailuresPerConnection: 3 } });
    const session = await createSession(t);
    const agent = await agentSocket(t);
    for (let i = 0; i < 3; i += 1) {
      agent.send({ type: 'join', code: session.code === '999999999' ? '999999998' : '999999999' });
      assert.equal((await agent.next()).code, 'SESSION_CODE_UNKNOWN');
    }
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).code, 'SESSION_JOIN_RATE_LIMITED');
    // A new connection from the same address has its own per-connection budget.
    const other = await agentSocket(t);
    other.send({ type: 'join', code: session.code });
    assert.equal((await other.next()).type, 'joined');
    agent.close();
    other.close();
  });

  it('wrong codes are rate-limited per address across connections', async () => {
    t = await startTestServer({ limits: { joinFailuresPerConnection: 2, joinFailuresPerAddress: 3 } });
    const session = await createSession(t);
    const wrong = session.code === '123123123' ? '321321321' : '123123123';
    const a = await agentSocket(t);
    const b = await agentSocket(t);
    for (const agent of [a, a, b]) {
      agent.send({ type: 'join', code: wrong });
      assert.equal((await agent.next()).code, 'SESSION_CODE_UNKNOWN');
    }
    b.send({ type: 'join', code: session.code });
    assert.equal((await b.next()).code, 'SESSION_JOIN_RATE_LIMITED');
    a.close();
    b.close();
  });
});
