import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startJoseIssuer, type JoseIssuer } from '../net-helpers/jose-issuer.js';
import { customerWithSession } from '../net-helpers/sessions.js';
import { startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { mustConnect } from '../net-helpers/ws-client.js';

const AUDIENCE = 'urn:agentdesk:cobrowse';
const TOKEN = '31415926535897932384626433';

describe('an agent connection lasts as long as its access token, unless renewed on the socket', () => {
  let idp: JoseIssuer;
  let t: TestServer;
  let plain: TestServer;
  before(async () => {
    idp = await startJoseIssuer();
    // No clock tolerance, so "expires in 2 s" means 2 s here.
    t = await startTestServer({ token: TOKEN, config: { oidc: { issuer: idp.issuer, audience: AUDIENCE } }, limits: { oidcClockToleranceSec: 0 } });
    plain = await startTestServer({ token: TOKEN });
  });
  after(async () => {
    await Promise.all([t?.close(), plain?.close()]);
    await idp?.close();
  });

  const headers = (accessToken: string) => ({ 'X-Cobrowse-Agent-Token': TOKEN, Authorization: `Bearer ${accessToken}` });
  const token = (sub: string, expiresIn: string, aud = AUDIENCE) => idp.sign({ sub, aud }, 'at+jwt', expiresIn);

  it('not renewed: the server ends the link at expiry with AGENT_IDENTITY_EXPIRED (4003), and a joined session sees the agent away', async () => {
    const agent = await mustConnect(t.wsUrl('/cobrowse/agent'), headers(await token('agent-1', '2s')));
    assert.equal((await agent.next()).type, 'welcome');
    const { session, customer } = await customerWithSession(t);
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).type, 'joined');
    assert.equal((await customer.next()).type, 'agent-joined');
    const closed = await agent.waitClose(5000);
    assert.deepEqual(closed, { code: 4003, reason: 'AGENT_IDENTITY_EXPIRED' });
    assert.equal((await customer.next()).type, 'agent-away', 'the session does not outlive the token silently');
    customer.close();
  });

  it('renewed with a token of the same sub: identity-renewed, and the link outlives the first token', async () => {
    const agent = await mustConnect(t.wsUrl('/cobrowse/agent'), headers(await token('agent-1', '2s')));
    assert.equal((await agent.next()).type, 'welcome');
    agent.send({ type: 'identity', accessToken: await token('agent-1', '60s') });
    const renewed = await agent.next<{ type: string; expiresAt: number }>();
    assert.equal(renewed.type, 'identity-renewed');
    assert.ok(renewed.expiresAt > Date.now() + 50_000);
    await new Promise((r) => setTimeout(r, 2_500));
    assert.equal(agent.ws.readyState, agent.ws.OPEN, 'still open past the first token’s expiry');
    agent.close();
  });

  it('a renewal for another sub or audience ends the link with that reason', async () => {
    for (const [renewal, reason] of [
      [await token('agent-2', '60s'), 'AGENT_IDENTITY_CHANGED'],
      [await token('agent-1', '60s', 'urn:other'), 'AGENT_IDENTITY_WRONG_AUDIENCE'],
    ] as const) {
      const agent = await mustConnect(t.wsUrl('/cobrowse/agent'), headers(await token('agent-1', '60s')));
      assert.equal((await agent.next()).type, 'welcome');
      agent.send({ type: 'identity', accessToken: renewal });
      assert.deepEqual(await agent.waitClose(3000), { code: 4003, reason });
    }
  });

  it('renewals count with the agent\'s in-session messages: a flood is answered MESSAGE_RATE_LIMITED', async () => {
    const agent = await mustConnect(t.wsUrl('/cobrowse/agent'), headers(await token('agent-1', '60s')));
    assert.equal((await agent.next()).type, 'welcome');
    const renewal = await token('agent-1', '60s');
    for (let i = 0; i < 60; i += 1) agent.send({ type: 'identity', accessToken: renewal });
    const answers = await Promise.all(Array.from({ length: 60 }, () => agent.next<{ type: string; code?: string }>()));
    const limited = answers.filter((m) => m.code === 'MESSAGE_RATE_LIMITED').length;
    assert.equal(limited, 10, 'the 51st to 60th within a second are refused');
    assert.equal(answers.filter((m) => m.type === 'identity-renewed').length, 50);
    assert.equal(agent.ws.readyState, agent.ws.OPEN);
    agent.close();
  });

  it('an identity message on a connection admitted without identity is a bad frame', async () => {
    const agent = await mustConnect(plain.wsUrl('/cobrowse/agent'), { 'X-Cobrowse-Agent-Token': TOKEN });
    assert.equal((await agent.next()).type, 'welcome');
    agent.send({ type: 'identity', accessToken: await token('agent-1', '60s') });
    assert.equal((await agent.next<{ code: string }>()).code, 'MESSAGE_INVALID');
    agent.close();
  });
});
