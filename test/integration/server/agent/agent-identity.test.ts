import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, decodeJwt, generateKeyPair } from 'jose';
import { ERROR_MESSAGES } from '../../../../common/errors.js';
import { AGENT_EMAIL, AGENT_NAME, OIDC_CLIENT, startTestIssuer, type TestIssuer } from '../../../../demo/client-credentials-issuer.js';
import { customerWithSession } from '../net-helpers/sessions.js';
import { startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { mustConnect, mustRefuse } from '../net-helpers/ws-client.js';

const AUDIENCE = 'urn:agentdesk:cobrowse';
const TOKEN = '31415926535897932384626433';

describe('per-agent identity against a real OpenID Provider', () => {
  let idp: TestIssuer;
  let t: TestServer;

  before(async () => {
    idp = await startTestIssuer();
    t = await startTestServer({
      token: TOKEN,
      fakeClock: true,
      config: { oidc: { issuer: idp.issuer, audience: AUDIENCE } },
      limits: { authFailuresBeforeSlowdown: 1000, authFailuresBeforeLockout: 1000 },
    });
  });
  after(async () => {
    await t?.close();
    await idp?.close();
  });

  function headers(accessToken?: string): Record<string, string> {
    return {
      'X-Cobrowse-Agent-Token': TOKEN,
      ...(accessToken === undefined ? {} : { Authorization: `Bearer ${accessToken}` }),
    };
  }

  it('a valid access token is accepted; sub, email and name appear in welcome.identity; the customer learns only the display name', async () => {
    const accessToken = await idp.accessToken(AUDIENCE);
    const agent = await mustConnect(t.wsUrl('/cobrowse/agent'), headers(accessToken));
    assert.deepEqual(await agent.next(), {
      type: 'welcome',
      agentAuth: 'token',
      identity: { sub: OIDC_CLIENT.id, email: AGENT_EMAIL, name: AGENT_NAME },
      heartbeatMs: 30_000,
    });
    const { session, customer } = await customerWithSession(t);
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).type, 'joined');
    const joined = await customer.next();
    assert.deepEqual(joined, { type: 'agent-joined', displayName: AGENT_NAME });
    assert.ok(!JSON.stringify(joined).includes(OIDC_CLIENT.id) && !JSON.stringify(joined).includes(AGENT_EMAIL), 'neither sub nor e-mail reach the customer');
    assert.ok(!t.log.raw().includes(accessToken), 'the access token never reaches the log');
    agent.close();
  });

  it('no Authorization header: 401 AGENT_IDENTITY_MISSING, even with the right agent token', async () => {
    const refusal = await mustRefuse(t.wsUrl('/cobrowse/agent'), headers());
    assert.equal(refusal.status, 401);
    assert.deepEqual(refusal.body, { code: 'AGENT_IDENTITY_MISSING', message: ERROR_MESSAGES.AGENT_IDENTITY_MISSING });
  });

  it('a token issued for another audience: 401 AGENT_IDENTITY_WRONG_AUDIENCE', async () => {
    const accessToken = await idp.accessToken('urn:some-other-api');
    assert.equal(decodeJwt(accessToken).aud, 'urn:some-other-api');
    const refusal = await mustRefuse(t.wsUrl('/cobrowse/agent'), headers(accessToken));
    assert.equal(refusal.status, 401);
    assert.equal(refusal.body.code, 'AGENT_IDENTITY_WRONG_AUDIENCE');
  });

  it('an expired token (server clock past exp plus tolerance): 401 AGENT_IDENTITY_EXPIRED', async () => {
    const accessToken = await idp.accessToken(AUDIENCE);
    const saved = t.clock.now;
    t.clock.now += 601_000 + 31_000;
    try {
      const refusal = await mustRefuse(t.wsUrl('/cobrowse/agent'), headers(accessToken));
      assert.equal(refusal.status, 401);
      assert.equal(refusal.body.code, 'AGENT_IDENTITY_EXPIRED');
    } finally {
      t.clock.now = saved;
    }
  });

  it('a token signed by a foreign key (same kid, iss, aud): 401 AGENT_IDENTITY_INVALID', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ email: 'mallory@example.test' })
      .setProtectedHeader({ alg: 'ES256', kid: idp.kid, typ: 'at+jwt' })
      .setIssuer(idp.issuer)
      .setAudience(AUDIENCE)
      .setSubject('mallory')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const refusal = await mustRefuse(t.wsUrl('/cobrowse/agent'), headers(forged));
    assert.equal(refusal.status, 401);
    assert.equal(refusal.body.code, 'AGENT_IDENTITY_INVALID');
  });

  it('garbage instead of a bearer token: 401 AGENT_IDENTITY_INVALID', async () => {
    const refusal = await mustRefuse(t.wsUrl('/cobrowse/agent'), { 'X-Cobrowse-Agent-Token': TOKEN, Authorization: 'Basic dXNlcjpwYXNz' });
    assert.equal(refusal.body.code, 'AGENT_IDENTITY_INVALID');
  });

  it('the agent token is still checked first: the right identity with a wrong agent token is refused', async () => {
    const accessToken = await idp.accessToken(AUDIENCE);
    const refusal = await mustRefuse(t.wsUrl('/cobrowse/agent'), { 'X-Cobrowse-Agent-Token': '27182818284590452353602874', Authorization: `Bearer ${accessToken}` });
    assert.equal(refusal.body.code, 'AGENT_TOKEN_INVALID');
  });
});

describe('per-agent identity with the issuer unreachable', () => {
  it('answers 503 AGENT_IDENTITY_UNAVAILABLE', async () => {
    const idp = await startTestIssuer();
    const issuer = idp.issuer;
    const accessToken = await idp.accessToken(AUDIENCE).finally(() => idp.close());
    const t = await startTestServer({ config: { oidc: { issuer, audience: AUDIENCE } } });
    try {
      const refusal = await mustRefuse(t.wsUrl('/cobrowse/agent'), { Authorization: `Bearer ${accessToken}` });
      assert.equal(refusal.status, 503);
      assert.equal(refusal.body.code, 'AGENT_IDENTITY_UNAVAILABLE');
    } finally {
      await t.close();
    }
  });
});
