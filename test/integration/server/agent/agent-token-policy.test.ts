import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_MESSAGES } from '../../../../common/errors.js';
import { startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { mustConnect, mustRefuse } from '../net-helpers/ws-client.js';

const TOKEN = '01234567890123456789012345';
const OTHER = '98765432109876543210987654';
// Enough failures for this file without reaching the slowdown/lockout (tested on their own).
const LENIENT = { authFailuresBeforeSlowdown: 1000, authFailuresBeforeLockout: 1000 };

async function metric(t: TestServer, line: RegExp): Promise<number> {
  const text = await (await fetch(`${t.server.url}/metrics`)).text();
  const found = text.split('\n').find((l) => line.test(l));
  return found ? Number(found.split(' ').pop()) : 0;
}

describe('agent channel: the four rows of the agent-token table', () => {
  describe('server has no token (compatible)', () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer({ token: null, limits: LENIENT });
    });
    after(() => t.close());

    it('no token in the request: accepted without agent authentication, no warning', async () => {
      const agent = await mustConnect(t.wsUrl('/cobrowse/agent'));
      assert.deepEqual(await agent.next(), { type: 'welcome', agentAuth: 'none', identity: null, heartbeatMs: 30_000 });
      assert.equal(t.log.warnings('AGENT_TOKEN_NOT_CONFIGURED').length, 0);
      agent.close();
    });

    it('a token in the request: accepted without agent authentication and a warning naming the address', async () => {
      const agent = await mustConnect(t.wsUrl('/cobrowse/agent'), { 'X-Cobrowse-Agent-Token': TOKEN });
      const welcome = await agent.next();
      assert.equal(welcome.agentAuth, 'none');
      const warnings = t.log.warnings('AGENT_TOKEN_NOT_CONFIGURED');
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]!.remote, '127.0.0.1');
      assert.ok(!t.log.raw().includes(TOKEN), 'the log must never contain the token');
      agent.close();
    });
  });

  describe('server has no token, token only in the URL', () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer({ token: null, limits: LENIENT });
    });
    after(() => t.close());

    it('a token only in the URL is not read: accepted without authentication and no warning, as if none was sent', async () => {
      const agent = await mustConnect(`${t.wsUrl('/cobrowse/agent')}?token=${OTHER}&x-cobrowse-agent-token=${OTHER}`);
      assert.equal((await agent.next()).agentAuth, 'none');
      assert.equal(t.log.warnings('AGENT_TOKEN_NOT_CONFIGURED').length, 0);
      assert.ok(!t.log.raw().includes(OTHER));
      agent.close();
    });
  });

  describe('server has a token', () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer({ token: TOKEN, limits: LENIENT });
    });
    after(() => t.close());

    it('the same token: accepted, agent authenticated', async () => {
      const agent = await mustConnect(t.wsUrl('/cobrowse/agent'), { 'X-Cobrowse-Agent-Token': TOKEN });
      assert.deepEqual(await agent.next(), { type: 'welcome', agentAuth: 'token', identity: null, heartbeatMs: 30_000 });
      assert.equal(await metric(t, /^agentdesk_agent_auth_total\{outcome="accepted_token"\}/), 1);
      agent.close();
    });

    const refused: [string, Record<string, string>][] = [
      ['a different token', { 'X-Cobrowse-Agent-Token': OTHER }],
      ['25 digits', { 'X-Cobrowse-Agent-Token': TOKEN.slice(0, 25) }],
      ['27 digits', { 'X-Cobrowse-Agent-Token': `${TOKEN}0` }],
      ['letters', { 'X-Cobrowse-Agent-Token': `${TOKEN.slice(0, 24)}ab` }],
      ['a space inside', { 'X-Cobrowse-Agent-Token': `${TOKEN.slice(0, 13)} ${TOKEN.slice(13)}` }],
      ['the header missing', {}],
      ['the header empty', { 'X-Cobrowse-Agent-Token': '' }],
    ];
    for (const [what, headers] of refused) {
      it(`${what}: refused before the upgrade with 401 AGENT_TOKEN_INVALID`, async () => {
        const refusal = await mustRefuse(t.wsUrl('/cobrowse/agent'), headers);
        assert.equal(refusal.status, 401);
        assert.deepEqual(refusal.body, { code: 'AGENT_TOKEN_INVALID', message: ERROR_MESSAGES.AGENT_TOKEN_INVALID });
        assert.match(String(refusal.headers['content-type']), /^application\/json/);
      });
    }

    it('the correct token only in the URL is ignored: refused', async () => {
      const refusal = await mustRefuse(`${t.wsUrl('/cobrowse/agent')}?x-cobrowse-agent-token=${TOKEN}&token=${TOKEN}`);
      assert.equal(refusal.status, 401);
      assert.equal(refusal.body.code, 'AGENT_TOKEN_INVALID');
    });

    it('refusals are warned in the log with code and address, never a token, and start no connection', async () => {
      const warnings = t.log.warnings('AGENT_TOKEN_INVALID');
      assert.ok(warnings.length >= 1);
      assert.equal(warnings[0]!.remote, '127.0.0.1');
      assert.ok(!t.log.raw().includes(TOKEN), 'the configured token never reaches the log');
      assert.ok(!t.log.raw().includes(OTHER), 'a presented token never reaches the log');
      assert.ok(!t.log.raw().includes(TOKEN.slice(0, 25)));
      assert.equal(await metric(t, /^agentdesk_agent_auth_total\{outcome="AGENT_TOKEN_INVALID"\}/), refused.length + 1);
      assert.equal(await metric(t, /^agentdesk_open_connections\{side="agent"\}/), 0);
    });
  });

  describe('policy agentAuth: required', () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer({ token: null, config: { agentAuth: 'required' }, limits: LENIENT });
    });
    after(() => t.close());

    it('refuses every agent with 503 AGENT_TOKEN_REQUIRED while no token is configured, even one sending a token', async () => {
      const attempts: Record<string, string>[] = [{}, { 'X-Cobrowse-Agent-Token': TOKEN }];
      for (const headers of attempts) {
        const refusal = await mustRefuse(t.wsUrl('/cobrowse/agent'), headers);
        assert.equal(refusal.status, 503);
        assert.deepEqual(refusal.body, { code: 'AGENT_TOKEN_REQUIRED', message: ERROR_MESSAGES.AGENT_TOKEN_REQUIRED });
      }
      assert.equal(t.log.warnings('AGENT_TOKEN_REQUIRED').length, 1, 'one warning per window for the same address');
    });

    it('accepts the configured token once one is set, and still refuses a missing one', async () => {
      t.tokens.set({ current: TOKEN, previous: null });
      const agent = await mustConnect(t.wsUrl('/cobrowse/agent'), { 'X-Cobrowse-Agent-Token': TOKEN });
      assert.equal((await agent.next()).agentAuth, 'token');
      const refusal = await mustRefuse(t.wsUrl('/cobrowse/agent'));
      assert.equal(refusal.status, 401);
      assert.equal(refusal.body.code, 'AGENT_TOKEN_INVALID');
      agent.close();
    });
  });
});
