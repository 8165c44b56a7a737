import type { CreatedSession } from '../../../../common/protocol.js';
import { CUSTOMER_ORIGIN, type TestServer } from './test-server.js';
import { mustConnect, type TestSocket } from './ws-client.js';

export async function createSession(t: TestServer, origin = CUSTOMER_ORIGIN): Promise<CreatedSession> {
  const res = await fetch(`${t.server.url}/cobrowse/rest/sessions`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: '{}',
  });
  if (res.status !== 201) throw new Error(`session creation answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as CreatedSession;
}

/** A customer page: creates a session, opens its socket, says hello and waits for ready. */
export async function customerWithSession(t: TestServer): Promise<{ session: CreatedSession; customer: TestSocket }> {
  const session = await createSession(t);
  const customer = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
  customer.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
  const ready = await customer.next();
  if (ready.type !== 'ready') throw new Error(`expected ready, got ${JSON.stringify(ready)}`);
  return { session, customer };
}

/** An agent without a server token (compatible mode): connects and consumes the welcome. */
export async function agentSocket(t: TestServer, headers: Record<string, string> = {}): Promise<TestSocket> {
  const agent = await mustConnect(t.wsUrl('/cobrowse/agent'), headers);
  const welcome = await agent.next();
  if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
  return agent;
}
