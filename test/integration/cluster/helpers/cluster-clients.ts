// Customer and agent clients for cluster tests, each pointed at a chosen node (two direct
// connections force the two sides onto different nodes).
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { AGENT_TOKEN_HEADER, PageFrameKind, type CreatedSession } from '../../../../common/protocol.js';
import type { ServerProcess } from '../../server/helpers/server-process.js';
import { connect, mustConnect, type TestSocket } from '../../server/net-helpers/ws-client.js';
import { sleep } from './child-processes.js';
import { CUSTOMER_ORIGIN } from './cluster-nodes.js';

export function wsUrl(node: { readonly url: string }, path: string): string {
  return `${node.url.replace(/^http/, 'ws')}${path}`;
}

export async function agentAdmitted(node: ServerProcess, token: string): Promise<boolean> {
  const handshake = await connect(wsUrl(node, '/cobrowse/agent'), { [AGENT_TOKEN_HEADER]: token });
  if (handshake.ok) handshake.socket.close();
  return handshake.ok;
}

let customers = 0;

/**
 * A loopback source address of its own for each new customer (127.0.1.1, 127.0.1.2, …): session
 * creation is limited per client address across the cluster, and a test's sessions stand for
 * different customers' browsers, as in production.
 */
export function nextCustomerAddress(): string {
  customers += 1;
  return `127.0.${1 + Math.floor(customers / 250)}.${1 + (customers % 250)}`;
}

export interface CreateAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** POST /cobrowse/rest/sessions on `node` from the loopback address `from`. */
export function createSessionOn(node: { readonly url: string }, from = '127.0.0.1'): Promise<CreateAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${node.url}/cobrowse/rest/sessions`, { method: 'POST', localAddress: from, headers: { origin: CUSTOMER_ORIGIN, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>, headers: res.headers });
        } catch (err) {
          reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}`, { cause: err }));
        }
      });
    });
    req.on('error', reject);
    req.end('{}');
  });
}

export async function newSession(node: { readonly url: string }, from = nextCustomerAddress()): Promise<CreatedSession> {
  const res = await createSessionOn(node, from);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as unknown as CreatedSession;
}

/** A customer page's socket on `node`, hello said, `ready` taken. */
export async function customerOn(node: { readonly url: string }, session: CreatedSession): Promise<TestSocket> {
  const customer = await mustConnect(wsUrl(node, '/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
  customer.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
  const ready = await customer.next(5_000);
  assert.equal(ready.type, 'ready', JSON.stringify(ready));
  return customer;
}

/** An agent socket on `node`, welcome taken. */
export async function agentOn(node: { readonly url: string }, token: string): Promise<TestSocket> {
  const agent = await mustConnect(wsUrl(node, '/cobrowse/agent'), { [AGENT_TOKEN_HEADER]: token });
  assert.equal((await agent.next(5_000)).type, 'welcome');
  return agent;
}

/** The next message of `type`, skipping others. */
export async function nextOfType<T = Record<string, unknown>>(socket: TestSocket, type: string, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const message = await socket.next(Math.max(1, end - Date.now()));
    if (message.type === type) return message as T;
  }
}

export function pageFrame(text: string): Buffer {
  return Buffer.concat([Buffer.from([PageFrameKind.Incremental]), Buffer.from(text)]);
}

export async function frameRelayed(customer: TestSocket, agent: TestSocket, text: string): Promise<void> {
  const frame = pageFrame(text);
  customer.ws.send(frame, { binary: true });
  assert.deepEqual(await agent.nextBinary(5_000), frame);
}

/** Opens a socket on `node` and sends `first`; resolves with the socket once `expect` arrives, or null. */
export async function attempt(node: { readonly url: string }, path: string, headers: Record<string, string>, first: object, expect: string, skipWelcome: boolean): Promise<{ socket: TestSocket; answer: Record<string, unknown> } | null> {
  const handshake = await connect(wsUrl(node, path), headers).catch(() => null);
  if (!handshake?.ok) return null;
  const socket = handshake.socket;
  try {
    if (skipWelcome && (await socket.next(2_000)).type !== 'welcome') throw new Error('no welcome');
    socket.send(first);
    const answer = await socket.next(1_500);
    if (answer.type === expect) return { socket, answer };
  } catch {
    // Relayed to the dead node (not yet known gone), or closed with 1012: try again.
  }
  socket.close();
  return null;
}

/** Retries like a client does within the grace, until the answer comes. */
export async function resumeUntil(what: string, once: () => Promise<{ socket: TestSocket; answer: Record<string, unknown> } | null>): Promise<{ socket: TestSocket; answer: Record<string, unknown> }> {
  const end = Date.now() + 25_000;
  while (Date.now() < end) {
    const done = await once();
    if (done) return done;
    await sleep(100);
  }
  throw new Error(`${what} did not resume within 25 s`);
}

export interface JoinedSession {
  readonly session: CreatedSession;
  readonly customer: TestSocket;
  readonly agent: TestSocket;
  /** The agent's `joined` answer. */
  readonly joined: { readonly sessionId: string; readonly resumeToken: string };
}

/**
 * A session made on `home` (from a customer address of its own), its customer on `customerNode`
 * and an agent on `agentNode` that joins it with the code; both default to `home`. Resolves once
 * the agent has `joined` and the customer `agent-joined`, each within `ms`.
 */
export async function joinedSession(opts: { home: ServerProcess; token: string; customerNode?: ServerProcess; agentNode?: ServerProcess; ms?: number }): Promise<JoinedSession> {
  const session = await newSession(opts.home);
  const customer = await customerOn(opts.customerNode ?? opts.home, session);
  const agent = await agentOn(opts.agentNode ?? opts.home, opts.token);
  agent.send({ type: 'join', code: session.code });
  const joined = await nextOfType<JoinedSession['joined']>(agent, 'joined', opts.ms);
  await nextOfType(customer, 'agent-joined', opts.ms);
  return { session, customer, agent, joined };
}

/** The customer's page coming back on `node` (hello with its secret), retried within the grace. */
export function customerBack(node: { readonly url: string }, session: CreatedSession): Promise<{ socket: TestSocket; answer: Record<string, unknown> }> {
  return resumeUntil('the customer', () => attempt(node, '/cobrowse/customer', { origin: CUSTOMER_ORIGIN }, { type: 'hello', sessionId: session.sessionId, secret: session.customerSecret }, 'ready', false));
}

/** The agent resuming on `node` with its resume token, retried within the grace. */
export function agentBack(node: { readonly url: string }, token: string, resumeToken: string): Promise<{ socket: TestSocket; answer: Record<string, unknown> }> {
  return resumeUntil('the agent', () => attempt(node, '/cobrowse/agent', { [AGENT_TOKEN_HEADER]: token }, { type: 'resume', resumeToken }, 'joined', true));
}
