// The server's side of live co-browse with plain ws clients on both ends: consent checks,
// relays, customer resume, and the administrators' history endpoint with its audit trail.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AdminKeyStore } from '../../../../server/store/admin-key-store.js';
import { startTestServer, CUSTOMER_ORIGIN, type TestServer } from '../net-helpers/test-server.js';
import { agentSocket, customerWithSession } from '../net-helpers/sessions.js';
import { mustConnect } from '../net-helpers/ws-client.js';

const ADMIN_KEY = 'admin-key-for-tests_0123456789abcdefghij';

async function history(t: TestServer, id: string, key?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.server.url}/cobrowse/rest/history/sessions/${id}`, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('live co-browse on the server (ws clients)', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('cursor, pen strokes and snapshot requests relay to the customer; a stroke is audited as an annotation, never its points', async () => {
    const keys = AdminKeyStore.inMemory();
    keys.set(ADMIN_KEY);
    t = await startTestServer({ adminKey: (k) => keys.verify(k) });
    const { session, customer } = await customerWithSession(t);
    const agent = await agentSocket(t);
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).type, 'joined');
    assert.equal((await customer.next()).type, 'agent-joined');

    agent.send({ type: 'cursor', at: [120, 2400] });
    assert.deepEqual(await customer.next(), { type: 'cursor', at: [120, 2400] });
    agent.send({ type: 'cursor', at: null });
    assert.deepEqual(await customer.next(), { type: 'cursor', at: null });
    agent.send({ type: 'annotation', points: [[10, 20], [30, 40], [50, 61]] });
    assert.deepEqual(await customer.next(), { type: 'annotation', points: [[10, 20], [30, 40], [50, 61]] });
    agent.send({ type: 'snapshot-request' });
    assert.deepEqual(await customer.next(), { type: 'snapshot-request' });
    // A stroke of one point, or a cursor off the page's scale, is not a message the server takes.
    agent.send({ type: 'annotation', points: [[1, 1]] });
    agent.send({ type: 'cursor', at: [1e9, 0] });
    const refused = [(await agent.next()) as { type: string; code?: string }, (await agent.next()) as { type: string; code?: string }];
    assert.deepEqual(refused.map((m) => m.type), ['error', 'error'], 'both refused as unreadable');
    agent.send({ type: 'leave' });
    assert.equal((await agent.next()).type, 'session-ended');
    assert.deepEqual(customer.pending().filter((m) => (m as { type: string }).type === 'annotation' || (m as { type: string }).type === 'cursor'), [], 'nothing of the refused messages reached the customer');

    const { body } = await history(t, session.sessionId, ADMIN_KEY);
    const annotations = (body.events as { kind: string }[]).filter((e) => e.kind === 'annotation');
    assert.deepEqual(annotations.map(({ kind, points }: { kind: string; points?: unknown }) => ({ kind, points })), [{ kind: 'annotation', points: 3 }]);
    assert.ok(!JSON.stringify(body).includes('2400') && !JSON.stringify(body).includes('[10,20]'), 'no coordinates in the audit trail');
  });

  it('control: customer cannot grant unasked; action without grant is refused and audited; pointer and probe relay; history tells the story (admins only)', async () => {
    const keys = AdminKeyStore.inMemory();
    keys.set(ADMIN_KEY);
    t = await startTestServer({ adminKey: (k) => keys.verify(k) });
    const { session, customer } = await customerWithSession(t);
    customer.send({ type: 'page', url: `${CUSTOMER_ORIGIN}/claim?policy=secret#step2`, title: 'Claim' });
    customer.send({ type: 'control', state: 'granted' });
    assert.equal((await customer.next()).code, 'CONTROL_NOT_REQUESTED', 'a page cannot grant control nobody asked for');

    const agent = await agentSocket(t);
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).type, 'joined');
    assert.deepEqual(await agent.next(), { type: 'page', url: `${CUSTOMER_ORIGIN}/claim`, title: 'Claim' }, 'a late agent hears the current page, without query or fragment');
    assert.equal((await customer.next()).type, 'agent-joined');

    agent.send({ type: 'action', id: 7, action: { kind: 'input', nodeId: 12, value: 'never stored' } });
    assert.deepEqual(await agent.next(), { type: 'action-refused', id: 7, code: 'CONTROL_NOT_GRANTED' });
    agent.send({ type: 'pointer', nodeId: 33 });
    assert.deepEqual(await customer.next(), { type: 'pointer', nodeId: 33 });
    agent.send({ type: 'probe', id: 5 });
    assert.deepEqual(await customer.next(), { type: 'probe', id: 5 });
    customer.send({ type: 'probe-echo', id: 5, at: 1234 });
    assert.deepEqual(await agent.next(), { type: 'probe-echo', id: 5, at: 1234 });

    agent.send({ type: 'control-request' });
    assert.deepEqual(await customer.next(), { type: 'control', state: 'requested' });
    assert.deepEqual(await agent.next(), { type: 'control', state: 'requested' });
    customer.send({ type: 'control', state: 'granted' });
    assert.deepEqual(await agent.next(), { type: 'control', state: 'granted' });
    assert.deepEqual(await customer.next(), { type: 'control', state: 'granted' });
    agent.send({ type: 'action', id: 8, action: { kind: 'input', nodeId: 12, value: 'typed value' } });
    assert.deepEqual(await customer.next(), { type: 'action', id: 8, action: { kind: 'input', nodeId: 12, value: 'typed value' } });
    customer.send({ type: 'action-refused', id: 8, code: 'TARGET_MASKED' });
    assert.deepEqual(await agent.next(), { type: 'action-refused', id: 8, code: 'TARGET_MASKED' });
    customer.send({ type: 'control', state: 'revoked' });
    assert.deepEqual(await agent.next(), { type: 'control', state: 'revoked' });
    agent.send({ type: 'action', id: 9, action: { kind: 'click', nodeId: 12 } });
    assert.deepEqual(await agent.next(), { type: 'action-refused', id: 9, code: 'CONTROL_NOT_GRANTED' });
    agent.send({ type: 'leave' });
    assert.equal((await agent.next()).type, 'session-ended');

    // Who may read it.
    assert.equal((await history(t, session.sessionId)).status, 401);
    const wrong = await history(t, session.sessionId, 'x'.repeat(40));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, 'ADMIN_AUTH_INVALID');
    assert.equal((await history(t, '00000000-0000-4000-8000-000000000000', ADMIN_KEY)).status, 404);

    const { status, body } = await history(t, session.sessionId, ADMIN_KEY);
    assert.equal(status, 200);
    assert.equal(body.sessionId, session.sessionId);
    assert.equal(body.customerOrigin, CUSTOMER_ORIGIN);
    assert.equal(body.endReason, 'agent-left');
    assert.equal(typeof body.endedAt, 'string');
    assert.deepEqual((body.pages as { url: string }[]).map((p) => p.url), [`${CUSTOMER_ORIGIN}/claim`]);
    assert.deepEqual((body.agents as { sub: unknown }[]).map((a) => a.sub), [null], 'an agent without per-agent identity');
    assert.deepEqual((body.modes as { state: string; by: string }[]).map((m) => `${m.by}:${m.state}`), ['agent:requested', 'customer:granted', 'customer:revoked']);
    assert.deepEqual((body.actions as { actionId: number; action: string; nodeId: number }[]).map((a) => [a.actionId, a.action, a.nodeId]), [[8, 'input', 12]]);
    assert.deepEqual((body.refusals as { actionId: number; code: string; by: string }[]).map((r) => [r.actionId, r.code, r.by]), [
      [7, 'CONTROL_NOT_GRANTED', 'server'],
      [8, 'TARGET_MASKED', 'customer'],
      [9, 'CONTROL_NOT_GRANTED', 'server'],
    ]);
    const trail = JSON.stringify(body);
    assert.ok(!trail.includes('typed value') && !trail.includes('never stored'), 'action values are never audited');
    assert.ok(!trail.includes('policy=secret') && !trail.includes('step2'));
    agent.close();
  });

  it('history answers 403 while no administrator key is set', async () => {
    t = await startTestServer();
    const { session, customer } = await customerWithSession(t);
    const res = await history(t, session.sessionId, ADMIN_KEY);
    assert.equal(res.status, 403);
    assert.equal(res.body.code, 'ADMIN_API_DISABLED');
    customer.close();
  });

  it('a customer socket that drops resumes with hello within the grace; the agent hears away and back and gets a fresh snapshot request sent', async () => {
    t = await startTestServer({ limits: { resumeGraceMs: 2000 } });
    const { session, customer } = await customerWithSession(t);
    const agent = await agentSocket(t);
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).type, 'joined');
    assert.equal((await customer.next()).type, 'agent-joined');
    customer.ws.terminate();
    assert.deepEqual(await agent.next(), { type: 'customer-away', graceSeconds: 2 });
    const back = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
    back.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
    assert.deepEqual(await back.next(), { type: 'ready', sessionId: session.sessionId, resumed: true, control: 'none' });
    assert.deepEqual(await back.next(), { type: 'agent-joined', displayName: 'An agent' }, 'the page is asked for a fresh snapshot');
    assert.deepEqual(await agent.next(), { type: 'customer-back' });
    await new Promise((r) => setTimeout(r, 2300));
    assert.equal(back.pending().length, 0, 'the grace timer was stopped: no session-ended');
    back.close();
    agent.close();
  });

  it('a resume token only works for the agent identity that joined, and not after the session ended', async () => {
    t = await startTestServer();
    const { session, customer } = await customerWithSession(t);
    const agent = await agentSocket(t);
    agent.send({ type: 'join', code: session.code });
    const joined = await agent.next<{ resumeToken: string }>();
    agent.send({ type: 'leave' });
    assert.equal((await agent.next()).type, 'session-ended');
    const other = await agentSocket(t);
    other.send({ type: 'resume', resumeToken: joined.resumeToken });
    assert.equal((await other.next()).code, 'SESSION_RESUME_INVALID');
    other.close();
    agent.close();
    customer.close();
  });
});
