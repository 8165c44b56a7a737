// Operations: a drain keeps the listener open with /readyz at 503 (load balancers see it and send
// new work elsewhere) until the sessions are gone or the deadline passes; /metrics needs the
// administrator key unless the scraper is on this machine and connects directly.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSession } from '../net-helpers/sessions.js';
import { CUSTOMER_ORIGIN, startTestServer, type TestServer } from '../net-helpers/test-server.js';

const KEY = 'Zk3-very.long_random~administrator-key-0001';

describe('drain and metrics', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('drain: /readyz 503 and new sessions refused while the listener stays open, until the deadline', async () => {
    t = await startTestServer();
    await createSession(t);
    assert.equal((await fetch(`${t.server.url}/readyz`)).status, 200);
    const started = performance.now();
    const drained = t.server.drain(1500);
    const ready = await fetch(`${t.server.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { code: string }).code, 'SERVER_SHUTTING_DOWN');
    const refused = await fetch(`${t.server.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: CUSTOMER_ORIGIN }, body: '{}' });
    assert.equal(refused.status, 503);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal((await fetch(`${t.server.url}/readyz`)).status, 503, 'still listening during the drain');
    await drained;
    assert.ok(performance.now() - started >= 1400, 'a session was live: the drain lasted to its deadline');
  });

  it('/metrics: served to a direct scraper on this machine; through a proxy only with the administrator key', async () => {
    t = await startTestServer({ config: { trustedProxies: ['127.0.0.1'] }, adminKey: (key) => (key === KEY ? 'ok' : 'invalid') });
    const viaProxy = await fetch(`${t.server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(viaProxy.status, 401);
    assert.equal(((await viaProxy.json()) as { code: string }).code, 'ADMIN_AUTH_MISSING');
    const wrong = await fetch(`${t.server.url}/metrics`, { headers: { authorization: 'Bearer nope-nope-nope' } });
    assert.equal(wrong.status, 401);
    const withKey = await fetch(`${t.server.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(withKey.status, 200);
    assert.match(await withKey.text(), /^# HELP /m);

    await t.close();
    t = await startTestServer();
    const direct = await fetch(`${t.server.url}/metrics`);
    assert.equal(direct.status, 200, 'a scraper on this machine needs no key');
  });
});
