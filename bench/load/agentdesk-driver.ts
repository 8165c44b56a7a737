// AgentDesk's real protocol (docs/PROTOCOL.md): the customer page creates a session over REST,
// opens /cobrowse/customer with its Origin and says hello with the secret; the agent connects
// to /cobrowse/agent with the agent token (and a JWT when per-agent identity is on), is
// welcomed, and joins by code. Page frames are binary, byte 0 the kind.
import { AGENT_TOKEN_HEADER, type CreatedSession } from '../../common/protocol.js';
import type { Driver, GeneratorConfig, SessionLink } from './driver.js';
import { SOCKET_WAIT_MS, openSocket } from './socket-waits.js';

export function agentDeskDriver(config: GeneratorConfig): Driver {
  const { agentToken, customerOrigin } = config;
  if (!agentToken || !customerOrigin) throw new Error('the AgentDesk driver needs agentToken and customerOrigin');
  const wsBase = config.url.replace(/^http/, 'ws');
  const bearers = config.bearerTokens ?? [];

  const agentHeaders = (index: number): Record<string, string> => {
    const headers: Record<string, string> = { [AGENT_TOKEN_HEADER]: agentToken };
    if (bearers.length > 0) headers.authorization = `Bearer ${bearers[index % bearers.length]!}`;
    return headers;
  };

  async function createSession(): Promise<CreatedSession> {
    const res = await fetch(`${config.url}/cobrowse/rest/sessions`, {
      method: 'POST',
      headers: { origin: customerOrigin!, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(SOCKET_WAIT_MS),
    });
    if (res.status !== 201) throw new Error(`POST /cobrowse/rest/sessions answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as CreatedSession;
  }

  return {
    async open(index, onAgentFrame): Promise<SessionLink> {
      const session = await createSession();
      const agent = await openSocket(`${wsBase}/cobrowse/agent`, agentHeaders(index), `agent ${index}`, onAgentFrame);
      await agent.inbox.next('welcome');
      const customer = await openSocket(`${wsBase}/cobrowse/customer`, { origin: customerOrigin }, `customer ${index}`);
      customer.ws.send(JSON.stringify({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret }));
      await customer.inbox.next('ready');
      return {
        send: (frame) => customer.ws.send(frame, { binary: true }),
        async pair() {
          agent.ws.send(JSON.stringify({ type: 'join', code: session.code }));
          await Promise.all([agent.inbox.next('joined'), customer.inbox.next('agent-joined')]);
        },
        close() {
          customer.ws.terminate();
          agent.ws.terminate();
        },
      };
    },

    async admitOne(index) {
      const agent = await openSocket(`${wsBase}/cobrowse/agent`, agentHeaders(index), `agent ${index}`);
      try {
        await agent.inbox.next('welcome');
      } finally {
        agent.ws.terminate();
      }
    },
  };
}
