import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_MESSAGES } from '../../../../common/errors.js';
import { startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { agentSocket, createSession } from '../net-helpers/sessions.js';

describe('agent socket messages', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('invalid JSON, unknown types, bad fields and binary frames get MESSAGE_INVALID; the socket stays usable; the 5th closes 1008', async () => {
    t = await startTestServer();
    const agent = await agentSocket(t);
    agent.ws.send('}{');
    assert.deepEqual(await agent.next(), { type: 'error', code: 'MESSAGE_INVALID', message: ERROR_MESSAGES.MESSAGE_INVALID });
    agent.send({ type: 'takeover' });
    assert.equal((await agent.next()).code, 'MESSAGE_INVALID');
    agent.send({ type: 'join', code: '12345' });
    assert.equal((await agent.next()).code, 'MESSAGE_INVALID');
    const session = await createSession(t);
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).type, 'joined', 'still usable after three bad frames');
    agent.ws.send(Buffer.from([1, 2, 3]));
    assert.equal((await agent.next()).code, 'MESSAGE_INVALID');
    agent.send({ type: 'join', code: session.code, extra: true });
    assert.deepEqual(await agent.waitClose(), { code: 1008, reason: 'MESSAGE_TOO_MANY_INVALID' });
  });

  it('closes with 1009 on a frame above the agent maxPayload', async () => {
    t = await startTestServer();
    const agent = await agentSocket(t);
    agent.ws.send(JSON.stringify({ type: 'join', code: '1'.repeat(20_000) }));
    assert.equal((await agent.waitClose()).code, 1009);
  });
});
