// Code guessing is bounded for all agents together, not only per connection and per address: a
// guesser spread over many addresses (127.0.0.2-127.0.0.5 here) is stopped by the global count,
// while a resume with a valid token still passes.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { customerWithSession } from '../net-helpers/sessions.js';
import { startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { mustConnect } from '../net-helpers/ws-client.js';

describe('code guessing from many addresses', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('is refused once all agents together reach joinFailuresTotalPerWindow; a valid resume still passes', async () => {
    t = await startTestServer({ limits: { joinFailuresPerConnection: 100, joinFailuresPerAddress: 100, joinFailuresTotalPerWindow: 4 } });
    const { session, customer } = await customerWithSession(t);
    const agentFrom = async (address: string) => {
      const agent = await mustConnect(t.wsUrl('/cobrowse/agent'), {}, { localAddress: address });
      assert.equal((await agent.next()).type, 'welcome');
      return agent;
    };
    const owner = await agentFrom('127.0.0.6');
    owner.send({ type: 'join', code: session.code });
    const joined = await owner.next<{ type: string; resumeToken: string }>();
    assert.equal(joined.type, 'joined');

    for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']) {
      const guesser = await agentFrom(address);
      guesser.send({ type: 'join', code: '000000001' });
      assert.equal((await guesser.next()).code, 'SESSION_CODE_UNKNOWN');
      guesser.close();
    }
    const fresh = await agentFrom('127.0.0.7');
    fresh.send({ type: 'join', code: '000000002' });
    assert.equal((await fresh.next()).code, 'SESSION_JOIN_RATE_LIMITED', 'a new address is refused once the global count is reached');
    fresh.close();

    owner.ws.terminate();
    const back = await agentFrom('127.0.0.7');
    back.send({ type: 'resume', resumeToken: joined.resumeToken });
    assert.equal((await back.next()).type, 'joined');
    back.close();
    customer.close();
  });
});
