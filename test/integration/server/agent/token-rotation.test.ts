import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { agentSocket, customerWithSession } from '../net-helpers/sessions.js';
import type { TestSocket } from '../net-helpers/ws-client.js';

const A = '11111111111111111111111111';
const B = '22222222222222222222222222';
const C = '33333333333333333333333333';

/** Proves a socket is still connected and served: a leave outside a session gets its error. */
async function assertStillServed(agent: TestSocket): Promise<void> {
  agent.send({ type: 'leave' });
  const reply = await agent.next();
  assert.equal(reply.code, 'SESSION_NOT_JOINED');
}

function tokenHeader(token: string): Record<string, string> {
  return { 'X-Cobrowse-Agent-Token': token };
}

describe('agent token rotation while agents are connected', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('with grace: agents on the old token stay until the grace ends, then are disconnected with 4001 and their sessions end', async () => {
    t = await startTestServer({ token: A });
    const inSession = await agentSocket(t, tokenHeader(A));
    const idle = await agentSocket(t, tokenHeader(A));
    const { session, customer } = await customerWithSession(t);
    inSession.send({ type: 'join', code: session.code });
    assert.equal((await inSession.next()).type, 'joined');
    assert.equal((await customer.next()).type, 'agent-joined');

    const graceMs = 600;
    t.tokens.set({ current: B, previous: { token: A, validUntil: Date.now() + graceMs } });

    // During the grace both tokens open new connections and the old agents keep working.
    const lateOld = await agentSocket(t, tokenHeader(A));
    const onNew = await agentSocket(t, tokenHeader(B));
    await assertStillServed(idle);
    await assertStillServed(lateOld);

    // When the grace ends, everyone on A goes; the agent on B stays.
    for (const agent of [idle, lateOld]) {
      const err = await agent.next(graceMs + 2000);
      assert.equal(err.code, 'AGENT_TOKEN_ROTATED');
      assert.deepEqual(await agent.waitClose(), { code: 4001, reason: 'AGENT_TOKEN_ROTATED' });
    }
    assert.deepEqual(await inSession.next(), { type: 'session-ended', sessionId: session.sessionId, reason: 'token-rotated' });
    assert.equal((await inSession.next()).code, 'AGENT_TOKEN_ROTATED');
    assert.equal((await inSession.waitClose()).code, 4001);
    assert.deepEqual(await customer.next(), { type: 'session-ended', sessionId: session.sessionId, reason: 'token-rotated' });
    assert.equal((await customer.waitClose()).code, 1000);
    await assertStillServed(onNew);
    assert.ok(!t.log.raw().includes(A) && !t.log.raw().includes(B));
    onNew.close();
  });

  it('without grace: agents on the old token are disconnected at once, agents re-connecting with the new one are admitted', async () => {
    t = await startTestServer({ token: B });
    const old = await agentSocket(t, tokenHeader(B));
    t.tokens.set({ current: C, previous: null });
    assert.equal((await old.next()).code, 'AGENT_TOKEN_ROTATED');
    assert.equal((await old.waitClose()).code, 4001);
    const fresh = await agentSocket(t, tokenHeader(C));
    await assertStillServed(fresh);
    fresh.close();
  });

  it('clearing the token under compatible keeps token agents (they would now be admitted without authentication)', async () => {
    t = await startTestServer({ token: A });
    const agent = await agentSocket(t, tokenHeader(A));
    t.tokens.set({ current: null, previous: null });
    await assertStillServed(agent);
    agent.close();
  });

  it('clearing the token under required disconnects token agents (nobody may be admitted now)', async () => {
    t = await startTestServer({ token: A, config: { agentAuth: 'required' } });
    const agent = await agentSocket(t, tokenHeader(A));
    t.tokens.set({ current: null, previous: null });
    assert.equal((await agent.next()).code, 'AGENT_TOKEN_ROTATED');
    assert.equal((await agent.waitClose()).code, 4001);
  });

  it('agents admitted without authentication are not affected by a rotation', async () => {
    t = await startTestServer({ token: null });
    const agent = await agentSocket(t);
    t.tokens.set({ current: A, previous: null });
    await assertStillServed(agent);
    agent.close();
  });
});
