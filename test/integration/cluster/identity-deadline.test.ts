// An agent signed in with a short-lived access token, connected to node 1, renewing its identity on
// the open socket while it moves between sessions homed on node 2 and on node 1: the link lasts as
// long as the latest renewed token, wherever the session is homed, and ends with 4003
// AGENT_IDENTITY_EXPIRED at that token's expiry. Real oidc-provider (tokens from the desktop's own
// sign-in service), real Redis and PostgreSQL, two nodes built from one cluster config file.
// The nodes run in this process (helpers/in-process-node.ts) only so that their OIDC clock
// tolerance can be 0: a node process allows 30 s past `exp`, which would make this file last
// a minute.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { AGENT_TOKEN_HEADER, type CreatedSession } from '../../../common/protocol.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';
import { createHarness, testProviderConfig } from '../auth/helpers/sign-in-harness.js';
import { startTestProvider, TEST_AGENT, type TestProvider } from '../auth/helpers/test-provider.js';
import { mustConnect, type TestSocket } from '../server/net-helpers/ws-client.js';
import { missingBinaries } from './helpers/binaries.js';
import { sleep } from './helpers/child-processes.js';
import { customerOn, frameRelayed, newSession, nextOfType, wsUrl } from './helpers/cluster-clients.js';
import { clusterFixture, type ClusterFixture } from './helpers/cluster-nodes.js';
import { startInProcessNode, type InProcessNode } from './helpers/in-process-node.js';
import { startPostgres, type PostgresServer } from './helpers/postgres-server.js';
import { startRedis, type RedisServer } from './helpers/redis-server.js';

const TOKEN = '31415926535897932384626433';
const AUDIENCE = 'https://cobrowse.agentdesk.test';
// Each token lives 6 s. A renewal is fetched 3 s before the current token's exp (a whole second:
// exp and iat are seconds), so the new one ends at least 3 s after it and the sign-in has 3 s.
const TTL_SECONDS = 6;
const RENEW_BEFORE_MS = 3_000;
const PAST_EXPIRY_MS = 1_000;

interface AccessToken {
  readonly jwt: string;
  /** exp in milliseconds. */
  readonly expiresAt: number;
}

async function until(at: number): Promise<void> {
  await sleep(Math.max(0, at - Date.now()));
}

describe('a cluster node follows the agent\'s identity deadline across relays (real provider, two nodes)', { skip: missingBinaries(['redis-server', 'initdb', 'pg_ctl']) }, () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let idp: TestProvider;
  let cluster: ClusterFixture;
  let n1: InProcessNode;
  let n2: InProcessNode;

  before(async () => {
    [postgres, redis, idp] = await Promise.all([startPostgres(), startRedis(), startTestProvider({ resourceServer: AUDIENCE, accessTokenTtl: TTL_SECONDS })]);
    cluster = clusterFixture({ redisUrl: redis.url, postgresUrl: await postgres.createDatabase(), oidc: { issuer: idp.issuer, audience: AUDIENCE } });
    assert.equal((await cluster.cli(['options', 'set', 'slave.password', '-'], TOKEN)).code, 0);
    const noTolerance = { limits: { oidcClockToleranceSec: 0 } };
    [n1, n2] = await Promise.all([startInProcessNode(cluster, 'n1', noTolerance), startInProcessNode(cluster, 'n2', noTolerance)]);
  });
  after(async () => {
    await Promise.all([n1, n2].map((n) => n?.close()));
    await redis?.stop();
    await idp?.close();
    postgres?.destroy();
    cluster?.cleanup();
  });

  /** The agent signs in on the desktop's sign-in service; its access token as the desktop would send it. */
  async function signIn(): Promise<AccessToken> {
    const h = await createHarness({ idp, store: new MemorySecretStore(), providers: testProviderConfig(idp, 'custom-scheme', { resource: AUDIENCE }) });
    await h.signIn();
    const jwt = await h.service.getAccessToken();
    await h.service.dispose();
    const claims = decodeJwt(jwt);
    assert.equal(claims.sub, TEST_AGENT.id);
    return { jwt, expiresAt: claims.exp! * 1000 };
  }

  /** Renews on the open socket with a token fetched `RENEW_BEFORE_MS` before `current` expires. */
  async function renewBefore(agent: TestSocket, current: AccessToken): Promise<AccessToken> {
    await until(current.expiresAt - RENEW_BEFORE_MS);
    const next = await signIn();
    agent.send({ type: 'identity', accessToken: next.jwt });
    const renewed = await nextOfType<{ expiresAt: number }>(agent, 'identity-renewed');
    assert.equal(renewed.expiresAt, next.expiresAt);
    assert.ok(Date.now() < current.expiresAt, 'renewed before the current token expired');
    assert.ok(next.expiresAt >= current.expiresAt + 2_000, 'the renewed token lives on past the current one');
    return next;
  }

  /** The agent's socket is open and the customer's page frames still reach it. */
  async function stillRelaying(customer: TestSocket, agent: TestSocket, what: string): Promise<void> {
    const closed = await Promise.race([agent.closed, sleep(0).then(() => null)]);
    assert.equal(closed, null, `${what}: it was closed with ${JSON.stringify(closed)}`);
    await frameRelayed(customer, agent, `[{"at":${Date.now()}}]`);
  }

  async function joinedOn(agent: TestSocket, session: CreatedSession, customer: TestSocket): Promise<void> {
    agent.send({ type: 'join', code: session.code });
    assert.equal((await nextOfType<{ sessionId: string }>(agent, 'joined')).sessionId, session.sessionId);
    await nextOfType(customer, 'agent-joined');
  }

  it('renewed before joining a session homed on node 2, renewed again there, then back on node 1: open until the last token\'s exp, then 4003', async (t) => {
    try {
      const first = await signIn();
      const agent = await mustConnect(wsUrl(n1, '/cobrowse/agent'), { [AGENT_TOKEN_HEADER]: TOKEN, authorization: `Bearer ${first.jwt}` });
      assert.equal((await agent.next()).type, 'welcome');
      const onN2 = await newSession(n2);
      const customer2 = await customerOn(n2, onN2);

      // Renewed on node 1 (its hub verifies it), then relayed to node 2 by joining.
      const second = await renewBefore(agent, first);
      await joinedOn(agent, onN2, customer2);
      await until(first.expiresAt + PAST_EXPIRY_MS);
      await stillRelaying(customer2, agent, 'node 2 must not end the link at the first token\'s exp');

      // Renewed while relayed (node 2's hub verifies it), then back to node 1's own hub.
      const third = await renewBefore(agent, second);
      agent.send({ type: 'leave' });
      assert.equal((await nextOfType<{ reason: string }>(agent, 'session-ended')).reason, 'agent-left');
      customer2.close();
      const onN1 = await newSession(n1);
      const customer1 = await customerOn(n1, onN1);
      await joinedOn(agent, onN1, customer1);
      await until(second.expiresAt + PAST_EXPIRY_MS);
      await stillRelaying(customer1, agent, 'node 1 must not end the link at an earlier token\'s exp');

      // No further renewal: the link ends at the third token's exp, and the customer is told.
      const closed = await agent.waitClose(third.expiresAt - Date.now() + 3_000);
      const lateBy = Date.now() - third.expiresAt;
      assert.deepEqual(closed, { code: 4003, reason: 'AGENT_IDENTITY_EXPIRED' });
      assert.ok(lateBy >= -100 && lateBy < 1_500, `ended at the last token's exp (${lateBy} ms after it)`);
      t.diagnostic(`closed ${lateBy} ms after the last token's exp`);
      assert.equal((await nextOfType(customer1, 'agent-away')).type, 'agent-away');
      customer1.close();
    } catch (err) {
      for (const node of [n1, n2]) console.error(`--- ${node.name} log\n${node.logs().map((l) => JSON.stringify(l)).join('\n')}`);
      throw err;
    }
  });
});
