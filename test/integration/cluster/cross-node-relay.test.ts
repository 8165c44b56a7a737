// Customer on one node, agent on another (two direct connections, no load balancer): a code made
// on one node is joined on the other, page frames arrive in order byte for byte, control and
// actions pass both ways, and the history reads whole from either node. Real nodes, real Redis
// and PostgreSQL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PageFrameKind } from '../../../common/protocol.js';
import type { ServerProcess } from '../server/helpers/server-process.js';
import { missingBinaries } from './helpers/binaries.js';
import { waitUntil } from './helpers/child-processes.js';
import { startClusterBackends, type ClusterBackends } from './helpers/cluster-backends.js';
import { agentOn, createSessionOn, customerOn, frameRelayed, joinedSession, newSession, nextCustomerAddress, nextOfType } from './helpers/cluster-clients.js';

const TOKEN = '31415926535897932384626433';
const ADMIN_KEY = 'cross-node-admin-key-0123456789abcdefgh';

describe('a session across two nodes', { skip: missingBinaries(['redis-server', 'initdb', 'pg_ctl']) }, () => {
  let backends: ClusterBackends;
  let n1: ServerProcess;
  let n2: ServerProcess;

  before(async () => {
    backends = await startClusterBackends({ 'slave.password': TOKEN, 'admin.apiKey': ADMIN_KEY });
    [n1, n2] = await Promise.all([backends.cluster.startNode('n1'), backends.cluster.startNode('n2')]);
  });
  after(() => backends?.stop([n1, n2]));

  it('code made on node 1 joined on node 2; frames, control, actions, page and end relayed', async () => {
    const session = await newSession(n1);
    const customer = await customerOn(n1, session);
    const agent = await agentOn(n2, TOKEN);
    agent.send({ type: 'join', code: session.code });
    const joined = await nextOfType<{ sessionId: string; resumeToken: string }>(agent, 'joined');
    assert.equal(joined.sessionId, session.sessionId);
    assert.equal((await nextOfType(customer, 'agent-joined')).type, 'agent-joined');

    // Page frames: opaque bytes, in order, a large snapshot and a burst of increments.
    const snapshot = Buffer.concat([Buffer.from([PageFrameKind.Snapshot]), randomBytes(256 * 1024)]);
    customer.ws.send(snapshot, { binary: true });
    const burst = Array.from({ length: 200 }, (_, i) => Buffer.from([PageFrameKind.Incremental, ...Buffer.from(`[{"n":${i}}]`)]));
    for (const frame of burst) customer.ws.send(frame, { binary: true });
    assert.ok((await agent.nextBinary(5_000)).equals(snapshot), 'the snapshot intact');
    for (const [i, frame] of burst.entries()) assert.ok((await agent.nextBinary(5_000)).equals(frame), `increment ${i} intact and in order`);

    customer.send({ type: 'page', url: 'https://shop.example.test/claim?x=1#f', title: 'Claim' });
    assert.deepEqual(await nextOfType(agent, 'page'), { type: 'page', url: 'https://shop.example.test/claim', title: 'Claim' });

    agent.send({ type: 'control-request' });
    assert.deepEqual(await nextOfType(customer, 'control'), { type: 'control', state: 'requested' });
    assert.deepEqual(await nextOfType(agent, 'control'), { type: 'control', state: 'requested' });
    customer.send({ type: 'control', state: 'granted' });
    assert.deepEqual(await nextOfType(agent, 'control'), { type: 'control', state: 'granted' });

    agent.send({ type: 'action', id: 1, action: { kind: 'click', nodeId: 12 } });
    assert.deepEqual(await nextOfType(customer, 'action'), { type: 'action', id: 1, action: { kind: 'click', nodeId: 12 } });
    customer.send({ type: 'action-refused', id: 1, code: 'TARGET_LOCKED' });
    assert.deepEqual(await nextOfType(agent, 'action-refused'), { type: 'action-refused', id: 1, code: 'TARGET_LOCKED' });

    agent.send({ type: 'pointer', nodeId: 5 });
    assert.deepEqual(await nextOfType(customer, 'pointer'), { type: 'pointer', nodeId: 5 });

    agent.send({ type: 'leave' });
    assert.equal((await nextOfType<{ reason: string }>(customer, 'session-ended')).reason, 'agent-left');
    assert.equal((await nextOfType<{ reason: string }>(agent, 'session-ended')).reason, 'agent-left');
    await customer.waitClose();

    for (const node of [n1, n2]) {
      await waitUntil('the whole history on either node', async () => {
        const res = await fetch(`${node.url}/cobrowse/rest/history/sessions/${session.sessionId}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        if (res.status !== 200) return false;
        const body = (await res.json()) as { events: { kind: string }[] };
        return body.events.map((e) => e.kind).join() === 'session-start,agent-join,page,mode,mode,action,action-refused,end';
      }, 5_000, 100);
    }
    agent.close();
  });

  it('the customer on the node that did not make the session, the agent on the one that did', async () => {
    const { customer, agent } = await joinedSession({ home: n2, customerNode: n1, token: TOKEN });
    await frameRelayed(customer, agent, 'from node 1 to node 2');
    customer.send({ type: 'end' });
    assert.equal((await nextOfType<{ reason: string }>(agent, 'session-ended')).reason, 'customer-left');
    agent.close();
  });

  it('a new session can be found on every node before its creator is answered, even when Redis is slow', async () => {
    // Behind a load balancer the customer's socket goes to any node at once after the POST; that
    // node finds the session by its home record, so the POST must not answer before it is stored.
    const { redis } = backends;
    redis.pause();
    let answered = false;
    const pending = createSessionOn(n2, nextCustomerAddress()).finally(() => (answered = true));
    try {
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(answered, false, 'the POST waits for the home record');
    } finally {
      redis.resume();
    }
    const res = await pending;
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const customer = await customerOn(n1, res.body as unknown as Parameters<typeof customerOn>[1]);
    const agent = await agentOn(n1, TOKEN);
    agent.send({ type: 'join', code: res.body.code });
    await nextOfType(agent, 'joined');
    await frameRelayed(customer, agent, 'customer and agent on node 1, session homed on node 2');
    customer.send({ type: 'end' });
    await nextOfType(agent, 'session-ended');
    agent.close();
  });

  it('an agent that joined one session through another node can join the next one anywhere', async () => {
    const agent = await agentOn(n1, TOKEN);
    for (const home of [n2, n1, n2]) {
      const session = await newSession(home);
      const customer = await customerOn(home, session);
      agent.send({ type: 'join', code: session.code });
      assert.equal((await nextOfType<{ sessionId: string }>(agent, 'joined')).sessionId, session.sessionId);
      await nextOfType(customer, 'agent-joined');
      await frameRelayed(customer, agent, `session homed on ${home === n1 ? 'n1' : 'n2'}`);
      agent.send({ type: 'leave' });
      await nextOfType(agent, 'session-ended');
      await customer.waitClose();
    }
    assert.deepEqual(agent.pending().filter((m) => (m as { type: string }).type === 'welcome'), [], 'one welcome only, from the first node');
    agent.close();
  });
});
