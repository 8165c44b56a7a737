import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import type { AuthService } from '../../../src/auth/auth-service.js';
import { accessTokenForServer } from '../../../src/app/server-identity.js';
import { createCobrowseChannel } from '../../../src/cobrowse/cobrowse-channel.js';
import type { ChannelState } from '../../../src/cobrowse/channel-state.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';
import { createHarness, testProviderConfig } from '../auth/helpers/sign-in-harness.js';
import { startTestProvider, type TestProvider } from '../auth/helpers/test-provider.js';
import { startTestServer, type TestServer } from '../server/net-helpers/test-server.js';
import { waitFor } from './helpers/wait-for-state.js';

const AUDIENCE = 'https://cobrowse.agentdesk.test';
const FAST = { backoffBaseMs: 20, backoffCapMs: 100, stableLinkMs: 0 };

/** The sign-in service with its token-handing calls counted. */
function counted(service: AuthService): { auth: AuthService; calls: { accessTokenFor: number; getAccessToken: number } } {
  const calls = { accessTokenFor: 0, getAccessToken: 0 };
  const auth = new Proxy(service, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (key === 'accessTokenFor' || key === 'getAccessToken') calls[key] += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { auth, calls };
}

function lastCode(s: ChannelState): string | null {
  const c = s.connection;
  return c.status === 'reconnecting' ? c.lastError.code : c.status === 'failed' ? c.error.code : null;
}

describe('the desktop sends its access token only to a server that asks for one from its issuer (real provider, real server)', () => {
  let idp: TestProvider;
  let noIdentity: TestServer;
  let otherIssuer: TestServer;
  let ours: TestServer;
  before(async () => {
    // aud comes only from a resource indicator: without `resource` the access token is opaque.
    idp = await startTestProvider({ resourceServer: AUDIENCE });
    noIdentity = await startTestServer();
    otherIssuer = await startTestServer({ config: { oidc: { issuer: 'https://login.mypurecloud.com', audience: AUDIENCE } } });
    ours = await startTestServer({ config: { oidc: { issuer: idp.issuer, audience: AUDIENCE, clientIds: [idp.clientId] } } });
  });
  after(async () => {
    await Promise.all([noIdentity.close(), otherIssuer.close(), ours.close()]);
    await idp.close();
  });

  async function signedIn(extra: Record<string, unknown> = {}) {
    const h = await createHarness({ idp, store: new MemorySecretStore(), providers: testProviderConfig(idp, 'custom-scheme', extra) });
    await h.signIn();
    return { h, ...counted(h.service) };
  }

  function channelTo(server: TestServer, auth: AuthService) {
    const channel = createCobrowseChannel({ serverUrl: server.server.url, getAgentToken: async () => null, getAccessToken: accessTokenForServer({ serverUrl: server.server.url, auth }), limits: FAST });
    channel.connect();
    return channel;
  }

  it('a server that does not check identity gets no bearer: the token is never even asked for', async () => {
    const { h, auth, calls } = await signedIn({ resource: AUDIENCE });
    const channel = channelTo(noIdentity, auth);
    await waitFor(channel, (s) => s.connection.status === 'connected', 'connected');
    assert.deepEqual(calls, { accessTokenFor: 0, getAccessToken: 0 });
    await channel.close();
    await h.service.signOut();
  });

  it('a server that checks another issuer (Genesys Cloud here) gets nothing and the agent is told why', async () => {
    const { h, auth, calls } = await signedIn({ resource: AUDIENCE });
    const channel = channelTo(otherIssuer, auth);
    const state = await waitFor(channel, (s) => lastCode(s) !== null, 'a refusal');
    assert.equal(lastCode(state), 'IDENTITY_OTHER_ISSUER');
    assert.equal(calls.getAccessToken, 0);
    assert.ok(!otherIssuer.log.raw().includes('AGENT_IDENTITY'), 'no handshake reached the server');
    await channel.close();
    await h.service.signOut();
  });

  it('asks for the server audience with resource (RFC 8707) and is admitted; without the setting the opaque token is refused', async () => {
    const withResource = await signedIn({ resource: AUDIENCE });
    const token = await withResource.h.service.getAccessToken();
    assert.equal(decodeJwt(token).aud, AUDIENCE, 'aud from the resource indicator');
    const admitted = channelTo(ours, withResource.auth);
    await waitFor(admitted, (s) => s.connection.status === 'connected', 'connected with identity');
    assert.equal(withResource.calls.accessTokenFor > 0, true);
    await admitted.close();
    await withResource.h.service.signOut();

    const without = await signedIn();
    const refused = channelTo(ours, without.auth);
    const state = await waitFor(refused, (s) => lastCode(s) !== null, 'a refusal');
    assert.equal(lastCode(state), 'AGENT_IDENTITY_INVALID', 'an opaque token is not a JWT for this audience');
    await refused.close();
    await without.h.service.signOut();
  });

  it('a server asking for another audience than the resource setting gets nothing (IDENTITY_OTHER_AUDIENCE)', async () => {
    const elsewhere = await startTestServer({ config: { oidc: { issuer: idp.issuer, audience: 'https://other-cobrowse.test' } } });
    after(() => elsewhere.close());
    const { h, auth, calls } = await signedIn({ resource: AUDIENCE });
    const channel = channelTo(elsewhere, auth);
    const state = await waitFor(channel, (s) => lastCode(s) !== null, 'a refusal');
    assert.equal(lastCode(state), 'IDENTITY_OTHER_AUDIENCE');
    assert.equal(calls.getAccessToken, 0);
    await channel.close();
    await h.service.signOut();
  });
});
