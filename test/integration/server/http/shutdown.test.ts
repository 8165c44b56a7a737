import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../net-helpers/test-server.js';
import { agentSocket, customerWithSession } from '../net-helpers/sessions.js';

describe('close() (what the CLI calls on SIGTERM)', () => {
  it('ends every session with server-shutdown, closes every socket with 1001, stops listening and resolves', async () => {
    const t = await startTestServer();
    const { session, customer } = await customerWithSession(t);
    const agent = await agentSocket(t);
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).type, 'joined');
    assert.equal((await customer.next()).type, 'agent-joined');
    const idleAgent = await agentSocket(t);

    await t.close();

    const ended = { type: 'session-ended', sessionId: session.sessionId, reason: 'server-shutdown' };
    assert.deepEqual(await agent.next(), ended);
    assert.deepEqual(await customer.next(), ended);
    for (const socket of [agent, customer, idleAgent]) {
      assert.deepEqual(await socket.waitClose(), { code: 1001, reason: 'SERVER_SHUTTING_DOWN' });
    }
    await assert.rejects(fetch(`${t.server.url}/healthz`), 'no longer listening');
    await t.close(); // a second close is harmless
  });

  it('does not hang on a peer that never answers the close handshake', async () => {
    const t = await startTestServer({ limits: { shutdownDrainMs: 200 } });
    const agent = await agentSocket(t);
    agent.ws.pause();
    const started = performance.now();
    await t.close();
    assert.ok(performance.now() - started < 2000);
  });
});
