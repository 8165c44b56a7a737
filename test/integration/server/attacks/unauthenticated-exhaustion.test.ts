// The unauthenticated attacks of issue 12, each repeated against a real server on 127.0.0.1 from
// other loopback source addresses, with the limit that stops it (limits scaled down so each test
// stays small). Before/after figures at product limits: scripts/attacks/measure-attacks.ts.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { ERROR_MESSAGES } from '../../../../common/errors.js';
import { createSession, agentSocket } from '../net-helpers/sessions.js';
import { jsonBody, rawSocket, untilClosed } from '../net-helpers/raw-http.js';
import { CUSTOMER_ORIGIN, startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { connect, mustConnect } from '../net-helpers/ws-client.js';

const ATTACKER = '127.0.0.9';
const OTHER = '127.0.0.8';

describe('unauthenticated resource exhaustion', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('session creation with the body held back: counted at admission, so only the per-address quota passes', async () => {
    t = await startTestServer({ limits: { sessionCreatesPerWindow: 10, sessionCreatesTotalPerWindow: 1000 } });
    const head = `POST /cobrowse/rest/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${CUSTOMER_ORIGIN}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n`;
    const sockets = await Promise.all(Array.from({ length: 30 }, () => rawSocket(t.server.port, ATTACKER)));
    const answers = sockets.map(untilClosed);
    for (const s of sockets) s.write(head);
    await new Promise((r) => setTimeout(r, 300));
    for (const s of sockets) s.write('{}');
    const statuses = (await Promise.all(answers)).map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 201).length, 10, `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 20);
    // Another customer is not affected by that address's quota.
    const other = await fetch(`${t.server.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: CUSTOMER_ORIGIN }, body: '{}' });
    assert.equal(other.status, 201);
  });

  it('sessions created per window by everyone together are capped (SESSION_CREATE_BUSY)', async () => {
    t = await startTestServer({ limits: { sessionCreatesPerWindow: 3, sessionCreatesTotalPerWindow: 7 } });
    const statuses: number[] = [];
    const bodies: Record<string, unknown>[] = [];
    for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) {
      for (let i = 0; i < 3; i += 1) {
        const s = await rawSocket(t.server.port, address);
        const answer = untilClosed(s);
        s.end(`POST /cobrowse/rest/sessions HTTP/1.1\r\nHost: x\r\nOrigin: ${CUSTOMER_ORIGIN}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
        const { status, text } = await answer;
        statuses.push(status ?? 0);
        bodies.push(jsonBody(text));
      }
    }
    assert.deepEqual(statuses, [201, 201, 201, 201, 201, 201, 201, 429, 429]);
    assert.equal(bodies[8]!.code, 'SESSION_CREATE_BUSY');
  });

  it('a customer socket may not send more than customerPreHelloBytes before hello; after hello big frames pass', async () => {
    t = await startTestServer({ limits: { customerPreHelloBytes: 16 * 1024 } });
    // Attacker: an unfinished 1 MiB frame before any hello is cut near 16 KiB, not buffered.
    const attacker = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN }, { localAddress: ATTACKER });
    const raw = (attacker.ws as unknown as { _socket: Socket })._socket;
    const header = Buffer.alloc(14);
    header[0] = 0x82;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(1024 * 1024), 2);
    raw.write(header);
    let sent = 0;
    const chunk = Buffer.alloc(4096, 1);
    while (!raw.destroyed && sent < 512 * 1024) {
      raw.write(chunk);
      sent += chunk.length;
      await new Promise((r) => setImmediate(r));
    }
    const closed = await attacker.waitClose();
    assert.equal(closed.code, 1006, 'the server cut the socket');
    assert.ok(t.log.warnings('PAGE_FRAME_TOO_LARGE').length === 1);

    // A real page: hello first, then a 1 MiB snapshot reaches the agent.
    const session = await createSession(t);
    const customer = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
    customer.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
    assert.equal((await customer.next()).type, 'ready');
    const agent = await agentSocket(t);
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).type, 'joined');
    await customer.next(); // agent-joined
    const snapshot = Buffer.alloc(1024 * 1024, 3);
    snapshot[0] = 1;
    customer.ws.send(snapshot);
    assert.equal((await agent.nextBinary()).length, snapshot.length);
    agent.close();
    customer.close();
  });

  it('at most maxPreHelloSockets customer sockets wait for their hello (503 CUSTOMER_TOO_MANY_WAITING)', async () => {
    t = await startTestServer({ limits: { maxPreHelloSockets: 3 } });
    const waiting = await Promise.all([0, 1, 2].map(() => mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN }, { localAddress: ATTACKER })));
    const refused = await connect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.equal(refused.status, 503);
      assert.deepEqual(refused.body, { code: 'CUSTOMER_TOO_MANY_WAITING', message: ERROR_MESSAGES.CUSTOMER_TOO_MANY_WAITING });
    }
    waiting[0]!.close();
    await waiting[0]!.waitClose();
    const session = await createSession(t);
    const customer = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
    customer.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
    assert.equal((await customer.next()).type, 'ready');
    // Once its hello is accepted the page no longer counts as waiting: room for another.
    const next = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
    for (const s of [...waiting, customer, next]) s.close();
  });

  it('open connections per address are capped; other addresses still connect', async () => {
    t = await startTestServer({ limits: { maxConnectionsPerAddress: 5 } });
    const held = await Promise.all(Array.from({ length: 5 }, () => rawSocket(t.server.port, ATTACKER)));
    const sixth = await rawSocket(t.server.port, ATTACKER);
    const refused = await untilClosed(sixth);
    assert.equal(refused.status, 503);
    assert.equal(jsonBody(refused.text).code, 'SERVER_TOO_MANY_CONNECTIONS_FROM_ADDRESS');
    const other = await rawSocket(t.server.port, OTHER);
    const answer = untilClosed(other);
    other.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal((await answer).status, 200);
    for (const s of held) s.destroy();
    const metrics = await (await fetch(`${t.server.url}/metrics`)).text();
    assert.match(metrics, /agentdesk_refusals_total\{code="SERVER_TOO_MANY_CONNECTIONS_FROM_ADDRESS"\} 1/);
  });

  it('headers not complete within the header timeout are answered 408 HTTP_REQUEST_TIMEOUT', async () => {
    t = await startTestServer({ limits: { httpHeadersTimeoutMs: 1000, httpRequestTimeoutMs: 1000 } });
    const slow = await rawSocket(t.server.port, ATTACKER);
    const answer = untilClosed(slow);
    slow.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => slow.writable && slow.write('X-Slow: 1\r\n'), 200);
    const { status, text, closedAfterMs } = await answer;
    clearInterval(drip);
    assert.equal(status, 408);
    assert.equal(jsonBody(text).code, 'HTTP_REQUEST_TIMEOUT');
    // Checked every httpTimeoutCheckIntervalMs (1 s): cut between 1 and about 2 s, not 30 s.
    assert.ok(closedAfterMs >= 900 && closedAfterMs < 5000, `closed after ${Math.round(closedAfterMs)} ms`);
  });

  it('refusals log attacker values clipped, and one line per kind per window whatever the address', async () => {
    t = await startTestServer();
    const origin = `https://${'a'.repeat(15_000)}.example`;
    for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) {
      for (let i = 0; i < 5; i += 1) {
        const s = await rawSocket(t.server.port, address);
        const answer = untilClosed(s);
        s.end(`POST /cobrowse/rest/sessions HTTP/1.1\r\nHost: x\r\nOrigin: ${origin}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
        assert.equal((await answer).status, 403);
      }
    }
    const lines = t.log.warnings('ORIGIN_NOT_ALLOWED');
    assert.equal(lines.length, 1, '15 refusals from 3 addresses: one line in the window');
    const line = JSON.stringify(lines[0]);
    assert.ok(line.length < 700, `the line is ${line.length} bytes`);
    assert.match(String(lines[0]!.origin), /…\(\+\d+ chars\)$/);
    const metrics = await (await fetch(`${t.server.url}/metrics`)).text();
    assert.match(metrics, /agentdesk_refusals_total\{code="ORIGIN_NOT_ALLOWED"\} 15/);
  });
});
