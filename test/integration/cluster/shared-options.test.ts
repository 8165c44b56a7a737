// Cluster nodes (real agentdesk-server processes) on one Redis and one PostgreSQL: the agent token
// set with `options set` on any machine is enforced on every node within a second, the admin key
// opens the history endpoint on every node, a session's history reads whole from any node, Redis
// down turns every node unready (new sessions refused with a clear code) while a live session
// keeps relaying, and PostgreSQL down leaves sessions running with the audit queued.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AGENT_TOKEN_HEADER, type CreatedSession } from '../../../common/protocol.js';
import type { ServerProcess } from '../server/helpers/server-process.js';
import { mustConnect, type TestSocket } from '../server/net-helpers/ws-client.js';
import { missingBinaries } from './helpers/binaries.js';
import { sleep, waitUntil } from './helpers/child-processes.js';
import { startClusterBackends, type ClusterBackends } from './helpers/cluster-backends.js';
import { agentAdmitted, frameRelayed, wsUrl } from './helpers/cluster-clients.js';
import { CUSTOMER_ORIGIN } from './helpers/cluster-nodes.js';

const TOKEN_A = '11111111112222222222333333';
const TOKEN_B = '44444444445555555555666666';
const ADMIN_KEY = 'cluster-admin-key-0123456789abcdefghij';

async function createSession(node: ServerProcess): Promise<Response> {
  return fetch(`${node.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: CUSTOMER_ORIGIN, 'content-type': 'application/json' }, body: '{}' });
}

async function history(node: ServerProcess, sessionId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${node.url}/cobrowse/rest/history/sessions/${sessionId}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A session with its customer and agent on `node`, joined; returns both sockets. */
async function liveSession(node: ServerProcess, token: string): Promise<{ session: CreatedSession; customer: TestSocket; agent: TestSocket }> {
  const res = await createSession(node);
  assert.equal(res.status, 201, await res.clone().text());
  const session = (await res.json()) as CreatedSession;
  const customer = await mustConnect(wsUrl(node, '/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
  customer.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
  assert.equal((await customer.next()).type, 'ready');
  const agent = await mustConnect(wsUrl(node, '/cobrowse/agent'), { [AGENT_TOKEN_HEADER]: token });
  assert.equal((await agent.next()).type, 'welcome');
  agent.send({ type: 'join', code: session.code });
  assert.equal((await agent.next()).type, 'joined');
  assert.equal((await customer.next()).type, 'agent-joined');
  return { session, customer, agent };
}

describe('cluster nodes share options, admin key and audit', { skip: missingBinaries(['redis-server', 'initdb', 'pg_ctl']) }, () => {
  let backends: ClusterBackends;
  const nodes: ServerProcess[] = [];
  /** The token set now: each test may run alone (--test-name-pattern), so none assumes another ran. */
  let token = TOKEN_A;

  before(async () => {
    // The operator sets the token and the admin key once, before any node runs.
    backends = await startClusterBackends({ 'slave.password': TOKEN_A, 'admin.apiKey': ADMIN_KEY });
    nodes.push(...(await Promise.all([backends.cluster.startNode('n1'), backends.cluster.startNode('n2')])));
  });
  after(() => backends?.stop(nodes));

  it('options set on one machine is enforced on every node within a second', async () => {
    for (const node of nodes) assert.equal(await agentAdmitted(node, TOKEN_A), true);
    const held = await mustConnect(wsUrl(nodes[1]!, '/cobrowse/agent'), { [AGENT_TOKEN_HEADER]: TOKEN_A });
    assert.equal((await held.next()).type, 'welcome');

    const set = await backends.cluster.cli(['options', 'set', 'slave.password', '-'], TOKEN_B);
    assert.equal(set.code, 0, set.stderr);
    token = TOKEN_B;
    assert.equal(set.stderr, '', 'the nodes were told through Redis (no warning)');
    const changedAt = Date.now();
    await waitUntil('every node refuses the old token and admits the new one', async () => {
      for (const node of nodes) if ((await agentAdmitted(node, TOKEN_A)) || !(await agentAdmitted(node, TOKEN_B))) return false;
      return true;
    }, 1_000, 20);
    const took = Date.now() - changedAt;
    const rotated = await held.waitClose(1_000);
    assert.equal(rotated.reason, 'AGENT_TOKEN_ROTATED', 'a socket on the old token is closed on the other node too');
    console.log(`# options set → enforced on both nodes in ${took} ms`);
  });

  it('the history endpoint on any node returns the whole session', async () => {
    const { session, customer, agent } = await liveSession(nodes[0]!, token);
    customer.send({ type: 'page', url: 'https://shop.example.test/claim?ssn=1', title: 'Claim' });
    assert.equal((await agent.next()).type, 'page');
    agent.send({ type: 'leave' });
    await customer.waitClose();
    await waitUntil('history on the other node', async () => (await history(nodes[1]!, session.sessionId)).body.endReason === 'agent-left', 5_000, 100);
    const { status, body } = await history(nodes[1]!, session.sessionId);
    assert.equal(status, 200);
    assert.deepEqual((body.events as { kind: string }[]).map((e) => e.kind), ['session-start', 'agent-join', 'page', 'end']);
    assert.deepEqual(body.pages, [{ url: 'https://shop.example.test/claim', title: 'Claim', at: (body.pages as { at: string }[])[0]!.at }]);
    assert.equal((await history(nodes[0]!, session.sessionId)).status, 200);
    const wrongKey = await fetch(`${nodes[1]!.url}/cobrowse/rest/history/sessions/${session.sessionId}`, { headers: { authorization: `Bearer ${ADMIN_KEY}x` } });
    assert.equal(wrongKey.status, 401);
  });

  it('Redis down: every node unready and refusing new sessions with a clear code; a live session keeps relaying; all recovers by itself', async () => {
    const { customer, agent } = await liveSession(nodes[0]!, token);
    await backends.redis.stop();
    await waitUntil('every node answers 503 on /readyz', async () => {
      for (const node of nodes) if ((await fetch(`${node.url}/readyz`)).status !== 503) return false;
      return true;
    }, 5_000, 50);
    const readyz = (await (await fetch(`${nodes[1]!.url}/readyz`)).json()) as { code: string };
    assert.equal(readyz.code, 'SERVER_CLUSTER_UNAVAILABLE');
    const refused = await createSession(nodes[1]!);
    assert.equal(refused.status, 503);
    assert.equal(((await refused.json()) as { code: string }).code, 'SERVER_CLUSTER_UNAVAILABLE');
    await frameRelayed(customer, agent, 'still relaying while Redis is away').catch((err: unknown) => {
      throw new Error(`${String(err)}; node exit ${nodes[0]!.child.exitCode}; stderr ${nodes[0]!.stderr()}; logs ${nodes[0]!.stdoutLines().slice(-8).join('\n')}`);
    });

    await backends.redis.start();
    await waitUntil('every node ready again', async () => {
      for (const node of nodes) if ((await fetch(`${node.url}/readyz`)).status !== 200) return false;
      return true;
    }, 10_000, 100);
    assert.equal((await createSession(nodes[1]!)).status, 201);
    // Notifications work again after the reconnect.
    const next = token === TOKEN_A ? TOKEN_B : TOKEN_A;
    // With a grace, so this session's agent (on the old token) stays.
    assert.equal((await backends.cluster.cli(['options', 'set', 'slave.password', '-', '--grace', '60'], next)).stderr, '');
    token = next;
    await waitUntil('the new token on every node', async () => {
      for (const node of nodes) if (!(await agentAdmitted(node, next))) return false;
      return true;
    }, 1_000, 20);
    await frameRelayed(customer, agent, 'and after');
    customer.close();
    agent.close();
  });

  it('PostgreSQL stopped and started: the session goes on, its audit is queued and then written', async () => {
    const { session, customer, agent } = await liveSession(nodes[0]!, token);
    backends.postgres.stop();
    try {
      customer.send({ type: 'page', url: 'https://shop.example.test/during-outage', title: 'During' });
      assert.equal((await agent.next()).type, 'page');
      await frameRelayed(customer, agent, 'relaying while PostgreSQL is down');
      assert.equal((await history(nodes[1]!, session.sessionId)).status, 503, 'history cannot be read meanwhile');
      await sleep(300);
    } finally {
      backends.postgres.start();
    }
    agent.send({ type: 'leave' });
    await customer.waitClose();
    await waitUntil('the queued audit is written', async () => (await history(nodes[1]!, session.sessionId)).body.endReason === 'agent-left', 15_000, 200);
    const { body } = await history(nodes[1]!, session.sessionId);
    assert.deepEqual((body.events as { kind: string }[]).map((e) => e.kind), ['session-start', 'agent-join', 'page', 'end']);
  });
});
