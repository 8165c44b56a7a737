import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentAuthDocumentSchema } from '../../../../common/agent-auth.js';
import { startJoseIssuer, type JoseIssuer } from '../net-helpers/jose-issuer.js';
import { startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { mustConnect, mustRefuse } from '../net-helpers/ws-client.js';

const AUDIENCE = 'urn:agentdesk:cobrowse';
const TOKEN = '31415926535897932384626433';
const CLIENT = 'agentdesk-desktop';

describe('what the server accepts from agents: published, and typ and client checked', () => {
  let idp: JoseIssuer;
  let plain: TestServer;
  let checking: TestServer;
  let strict: TestServer;
  before(async () => {
    idp = await startJoseIssuer();
    plain = await startTestServer({ token: TOKEN });
    checking = await startTestServer({ token: TOKEN, config: { agentAuth: 'required', oidc: { issuer: idp.issuer, audience: AUDIENCE, clientIds: [CLIENT] } } });
    strict = await startTestServer({ token: TOKEN, config: { oidc: { issuer: idp.issuer, audience: AUDIENCE, requireAtJwt: true } } });
  });
  after(async () => {
    await Promise.all([plain?.close(), checking?.close(), strict?.close()]);
    await idp?.close();
  });

  const headers = (accessToken: string) => ({ 'X-Cobrowse-Agent-Token': TOKEN, Authorization: `Bearer ${accessToken}` });

  it('GET /cobrowse/rest/agent-auth says whether identity is checked, with the issuer, audience and clients', async () => {
    const none = await fetch(`${plain.server.url}/cobrowse/rest/agent-auth`);
    assert.equal(none.status, 200);
    assert.equal(none.headers.get('cache-control'), 'no-store');
    assert.deepEqual(agentAuthDocumentSchema.parse(await none.json()), { identity: 'none', agentToken: 'compatible' });
    const required = await fetch(`${checking.server.url}/cobrowse/rest/agent-auth`);
    assert.deepEqual(await required.json(), { identity: 'required', agentToken: 'required', issuer: idp.issuer, audience: AUDIENCE, clientIds: [CLIENT] });
    assert.equal((await fetch(`${checking.server.url}/cobrowse/rest/agent-auth`, { method: 'POST' })).status, 405);
  });

  it('accepts typ at+jwt, plain JWT or none, and refuses another kind of token (AGENT_IDENTITY_WRONG_TYPE)', async () => {
    const claims = { sub: 'agent-1', aud: AUDIENCE, client_id: CLIENT };
    for (const typ of ['at+jwt', 'application/at+jwt', 'JWT', undefined]) {
      const agent = await mustConnect(checking.wsUrl('/cobrowse/agent'), headers(await idp.sign(claims, typ)));
      assert.equal((await agent.next()).type, 'welcome', `typ ${typ}`);
      agent.close();
    }
    const refusal = await mustRefuse(checking.wsUrl('/cobrowse/agent'), headers(await idp.sign(claims, 'logout+jwt')));
    assert.equal(refusal.status, 401);
    assert.equal(refusal.body.code, 'AGENT_IDENTITY_WRONG_TYPE');
  });

  it('with requireAtJwt only at+jwt passes', async () => {
    const claims = { sub: 'agent-1', aud: AUDIENCE };
    const ok = await mustConnect(strict.wsUrl('/cobrowse/agent'), headers(await idp.sign(claims, 'at+jwt')));
    assert.equal((await ok.next()).type, 'welcome');
    ok.close();
    for (const typ of ['JWT', undefined]) {
      const refusal = await mustRefuse(strict.wsUrl('/cobrowse/agent'), headers(await idp.sign(claims, typ)));
      assert.equal(refusal.body.code, 'AGENT_IDENTITY_WRONG_TYPE', `typ ${typ}`);
    }
  });

  it('with clientIds, client_id or azp must name an allowed client (AGENT_IDENTITY_WRONG_CLIENT)', async () => {
    const viaAzp = await mustConnect(checking.wsUrl('/cobrowse/agent'), headers(await idp.sign({ sub: 'a', aud: AUDIENCE, azp: CLIENT }, 'at+jwt')));
    assert.equal((await viaAzp.next()).type, 'welcome');
    viaAzp.close();
    for (const claims of [{ sub: 'a', aud: AUDIENCE, client_id: 'another-app' }, { sub: 'a', aud: AUDIENCE }]) {
      const refusal = await mustRefuse(checking.wsUrl('/cobrowse/agent'), headers(await idp.sign(claims, 'at+jwt')));
      assert.equal(refusal.status, 401);
      assert.equal(refusal.body.code, 'AGENT_IDENTITY_WRONG_CLIENT');
    }
  });
});
