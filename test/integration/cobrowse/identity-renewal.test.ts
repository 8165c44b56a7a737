import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { accessTokenForServer } from '../../../src/app/server-identity.js';
import { createCobrowseChannel, type CobrowseChannel } from '../../../src/cobrowse/cobrowse-channel.js';
import type { ChannelState } from '../../../src/cobrowse/channel-state.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';
import { createHarness, testProviderConfig, type Harness } from '../auth/helpers/sign-in-harness.js';
import { startTestProvider, type TestProvider } from '../auth/helpers/test-provider.js';
import { customerWithSession } from '../server/net-helpers/sessions.js';
import { startTestServer, type TestServer } from '../server/net-helpers/test-server.js';
import type { TestSocket } from '../server/net-helpers/ws-client.js';
import { waitFor } from './helpers/wait-for-state.js';

const AUDIENCE = 'https://cobrowse.agentdesk.test';
// Short enough to expire during the test, long enough that the sign-in service's 5 s floor
// between refreshes still leaves it time to refresh before expiry.
const TTL_SECONDS = 8;
const FAST = { backoffBaseMs: 20, backoffCapMs: 100, stableLinkMs: 0 };

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Agent {
  readonly idp: TestProvider;
  readonly h: Harness;
  readonly channel: CobrowseChannel;
  /** Every connection status the channel went through, in order. */
  readonly statuses: string[];
  readonly customer: TestSocket;
  /** Message types the customer's page received after the agent joined. */
  readonly customerSaw: string[];
  readonly firstExpiry: number;
}

describe('an agent identity that expires during a session (real provider, real server, the desktop channel)', { concurrency: true }, () => {
  const idps: TestProvider[] = [];
  let server: TestServer;
  before(async () => {
    idps.push(await startTestProvider({ resourceServer: AUDIENCE, accessTokenTtl: TTL_SECONDS }), await startTestProvider({ resourceServer: AUDIENCE, accessTokenTtl: TTL_SECONDS }));
    // Both providers' tokens are checked by one server trusting the first; the second test's
    // server trusts the second. No clock tolerance: the link ends at the token's exp.
    server = await startTestServer({ config: { oidc: { issuer: idps[0]!.issuer, audience: AUDIENCE } }, limits: { oidcClockToleranceSec: 0 } });
  });
  const servers: TestServer[] = [];
  after(async () => {
    await Promise.all([server.close(), ...servers.map((s) => s.close())]);
    await Promise.all(idps.map((i) => i.close()));
  });

  async function joinedAgent(idp: TestProvider, t: TestServer): Promise<Agent> {
    const h = await createHarness({ idp, store: new MemorySecretStore(), providers: testProviderConfig(idp, 'custom-scheme', { resource: AUDIENCE }) });
    await h.signIn();
    const firstExpiry = decodeJwt(await h.service.getAccessToken()).exp! * 1000;
    const channel = createCobrowseChannel({ serverUrl: t.server.url, getAgentToken: async () => null, getAccessToken: accessTokenForServer({ serverUrl: t.server.url, auth: h.service }), limits: FAST });
    const statuses: string[] = [];
    channel.onState((s) => {
      if (statuses.at(-1) !== s.connection.status) statuses.push(s.connection.status);
    });
    channel.connect();
    await waitFor(channel, (s) => s.connection.status === 'connected', 'connected with identity');
    const { session, customer } = await customerWithSession(t);
    channel.join(session.code);
    await waitFor(channel, (s) => s.session.status === 'joined', 'joined');
    assert.equal((await customer.next()).type, 'agent-joined');
    const customerSaw: string[] = [];
    customer.ws.on('message', (data, isBinary) => {
      if (!isBinary) customerSaw.push((JSON.parse(data.toString()) as { type: string }).type);
    });
    return { idp, h, channel, statuses, customer, customerSaw, firstExpiry };
  }

  it('renewed: the desktop presents a refreshed token on the open socket and the session outlives the first token without a blip', async () => {
    const a = await joinedAgent(idps[0]!, server);
    const tokenRequests = a.idp.hits.token;
    await new Promise((r) => setTimeout(r, a.firstExpiry - Date.now() + 1_500));
    const state: ChannelState = a.channel.state();
    assert.equal(state.connection.status, 'connected');
    assert.equal(state.session.status, 'joined');
    assert.deepEqual(a.statuses.slice(-1), ['connected']);
    assert.ok(!a.statuses.includes('reconnecting'), `the link never dropped: ${a.statuses.join(' → ')}`);
    assert.ok(!a.customerSaw.includes('agent-away'), 'the customer never saw the agent go away');
    const refreshes = a.idp.hits.token - tokenRequests;
    assert.ok(refreshes >= 1 && refreshes <= 2, `one refresh for the renewal (no storm): ${refreshes}`);
    assert.ok(decodeJwt(await a.h.service.getAccessToken()).exp! * 1000 > a.firstExpiry, 'the token in use now is a later one');
    await a.channel.close();
    a.customer.close();
    await a.h.service.signOut();
  });

  it('not renewable (the provider refuses the refresh with an empty 400): the agent is signed out, the server ends the link at expiry and the session ends with the reason', async () => {
    const t = await startTestServer({ config: { oidc: { issuer: idps[1]!.issuer, audience: AUDIENCE } }, limits: { oidcClockToleranceSec: 0 } });
    servers.push(t);
    const a = await joinedAgent(idps[1]!, t);
    a.idp.tokenRefusal = { status: 400, body: '' };
    const lost = await waitFor(a.channel, (s) => s.connection.status === 'reconnecting', 'the link ended by the server', TTL_SECONDS * 1000 + 3_000);
    const lostAt = Date.now();
    assert.equal(a.h.service.currentAgent().status, 'signed-out');
    const auth = a.h.service.currentAgent();
    assert.equal(auth.status === 'signed-out' ? auth.reason?.code : null, 'SIGN_IN_ENDED');
    assert.equal(lost.connection.status === 'reconnecting' ? lost.connection.lastError.code : null, 'AGENT_IDENTITY_EXPIRED');
    assert.ok(lostAt >= a.firstExpiry - 50 && lostAt < a.firstExpiry + 1_500, `ended at the token's expiry (${lostAt - a.firstExpiry} ms after it)`);
    await until(() => a.customerSaw.includes('agent-away'), 1_000, 'the customer is told at once (agent-away)');
    // No sign-in any more: the next tries carry no bearer and are refused, so the channel stops
    // and the session ends instead of waiting on.
    const stopped = await waitFor(a.channel, (s) => s.connection.status === 'failed', 'the channel stopped');
    assert.equal(stopped.connection.status === 'failed' ? stopped.connection.error.code : null, 'AGENT_IDENTITY_MISSING');
    assert.equal(stopped.session.status, 'ended');
    await a.channel.close();
    a.customer.close();
    a.idp.tokenRefusal = null;
  });
});
