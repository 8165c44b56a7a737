import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ERROR_MESSAGES } from '../../../../common/errors.js';
import { startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { mustConnect, mustRefuse } from '../net-helpers/ws-client.js';

describe('HTTP routes', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ token: '12121212121212121212121212' });
  });
  after(() => t.close());

  it('GET /cobrowse/rest/authtoken: 26 digits as text/plain, not cached, different each call', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      const res = await fetch(`${t.server.url}/cobrowse/rest/authtoken`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const token = await res.text();
      assert.match(token, /^\d{26}$/);
      seen.add(token);
    }
    assert.equal(seen.size, 5);
  });

  it('authtoken digits are uniform: over 2,000 tokens every digit and position stays near its expected count', async () => {
    const counts = Array.from({ length: 10 }, () => 0);
    const leading = Array.from({ length: 10 }, () => 0);
    // In batches: 2,000 connections at once from one address are over maxConnectionsPerAddress.
    const tokens: string[] = [];
    for (let batch = 0; batch < 20; batch += 1) {
      tokens.push(...(await Promise.all(Array.from({ length: 100 }, async () => (await fetch(`${t.server.url}/cobrowse/rest/authtoken`)).text()))));
    }
    for (const token of tokens) {
      for (const ch of token) counts[Number(ch)]! += 1;
      leading[Number(token[0])]! += 1;
    }
    // 52,000 digits: 5,200 expected per digit, standard deviation about 68. A 10% band is ~7.6 sigma.
    for (const [digit, n] of counts.entries()) assert.ok(Math.abs(n - 5200) < 520, `digit ${digit} appeared ${n} times`);
    // Chi-square over 10 digits (9 degrees of freedom): 40 is far beyond the 0.9999 quantile (~33.7).
    const chi = counts.reduce((sum, n) => sum + (n - 5200) ** 2 / 5200, 0);
    assert.ok(chi < 40, `chi-square ${chi.toFixed(1)}`);
    // Leading zeros are allowed and appear about a tenth of the time (200 of 2,000).
    assert.ok(leading[0]! > 120 && leading[0]! < 280, `leading zero ${leading[0]} times`);
    assert.equal(new Set(tokens).size, tokens.length);
  });

  it('/healthz and /readyz answer 200 while running', async () => {
    const health = await fetch(`${t.server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'alive' });
    const ready = await fetch(`${t.server.url}/readyz`);
    assert.equal(ready.status, 200);
  });

  it('unknown routes: 404 JSON {code,message}; a wrong method: 405 with Allow', async () => {
    const missing = await fetch(`${t.server.url}/cobrowse/rest/nothing`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { code: 'HTTP_NOT_FOUND', message: ERROR_MESSAGES.HTTP_NOT_FOUND });
    const wrong = await fetch(`${t.server.url}/cobrowse/rest/authtoken`, { method: 'POST' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
    assert.equal(((await wrong.json()) as { code: string }).code, 'HTTP_METHOD_NOT_ALLOWED');
    const upgrade = await mustRefuse(t.wsUrl('/cobrowse/elsewhere'));
    assert.equal(upgrade.status, 404);
  });

  it('refuses a body larger than the limit even when Content-Length lies low (chunked)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.server.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: 'https://shop.example.test', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"x":"');
      req.write('a'.repeat(8 * 1024));
      req.end('"}');
    });
    assert.equal(status, 413);
  });

  it('/metrics: Prometheus text with connections by side, sessions, relayed bytes and auth outcomes by code', async () => {
    await mustRefuse(t.wsUrl('/cobrowse/agent'), { 'X-Cobrowse-Agent-Token': '00000000000000000000000000' });
    const agent = await mustConnect(t.wsUrl('/cobrowse/agent'), { 'X-Cobrowse-Agent-Token': '12121212121212121212121212' });
    await agent.next();
    const res = await fetch(`${t.server.url}/metrics`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^# TYPE agentdesk_agent_auth_total counter$/m);
    assert.match(text, /^agentdesk_agent_auth_total\{outcome="AGENT_TOKEN_INVALID"\} 1$/m);
    assert.match(text, /^agentdesk_agent_auth_total\{outcome="accepted_token"\} 1$/m);
    assert.match(text, /^agentdesk_open_connections\{side="agent"\} 1$/m);
    assert.match(text, /^agentdesk_open_connections\{side="customer"\} 0$/m);
    assert.match(text, /^agentdesk_active_sessions \d+$/m);
    assert.match(text, /^agentdesk_relayed_bytes_total 0$/m);
    agent.close();
  });
});
