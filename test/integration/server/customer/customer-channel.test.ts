import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_MESSAGES } from '../../../../common/errors.js';
import { PAGE_FRAME_DEFLATED, PageFrameKind } from '../../../../common/protocol.js';
import { CUSTOMER_ORIGIN, startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { agentSocket, createSession, customerWithSession } from '../net-helpers/sessions.js';
import { mustConnect, mustRefuse } from '../net-helpers/ws-client.js';

describe('customer socket /cobrowse/customer', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('refuses a foreign or missing Origin before the upgrade (403 ORIGIN_NOT_ALLOWED), warning in the log', async () => {
    t = await startTestServer();
    const attempts: Record<string, string>[] = [{ origin: 'https://evil.example.test' }, {}];
    for (const headers of attempts) {
      const refusal = await mustRefuse(t.wsUrl('/cobrowse/customer'), headers);
      assert.equal(refusal.status, 403);
      assert.deepEqual(refusal.body, { code: 'ORIGIN_NOT_ALLOWED', message: ERROR_MESSAGES.ORIGIN_NOT_ALLOWED });
    }
    const warning = t.log.warnings('ORIGIN_NOT_ALLOWED')[0];
    assert.equal(warning?.origin, 'https://evil.example.test');
  });

  it('closes with 1008 CUSTOMER_HELLO_TIMEOUT when no hello arrives in time', async () => {
    t = await startTestServer({ limits: { customerHelloTimeoutMs: 200 } });
    const customer = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
    assert.equal((await customer.next()).code, 'CUSTOMER_HELLO_TIMEOUT');
    assert.deepEqual(await customer.waitClose(), { code: 1008, reason: 'CUSTOMER_HELLO_TIMEOUT' });
  });

  it('refuses a hello with a wrong secret or an unknown session (1008) and a page frame before hello', async () => {
    t = await startTestServer();
    const session = await createSession(t);
    const cases: [unknown, string][] = [
      [{ type: 'hello', sessionId: session.sessionId, secret: `${session.customerSecret}x` }, 'SESSION_SECRET_INVALID'],
      [{ type: 'hello', sessionId: 'no-such-session', secret: session.customerSecret }, 'SESSION_NOT_FOUND'],
      [{ type: 'end' }, 'CUSTOMER_HELLO_EXPECTED'],
    ];
    for (const [hello, code] of cases) {
      const customer = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
      customer.send(hello);
      assert.equal((await customer.next()).code, code);
      assert.deepEqual(await customer.waitClose(), { code: 1008, reason: code });
    }
    const early = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
    early.ws.send(Buffer.from([PageFrameKind.Snapshot, 1, 2, 3]));
    assert.equal((await early.next()).code, 'CUSTOMER_HELLO_EXPECTED');
    assert.equal((await early.waitClose()).code, 1008);
  });

  it('keeps one customer socket per session: a newer page with the secret takes over, the older one is closed', async () => {
    t = await startTestServer();
    const { session, customer: first } = await customerWithSession(t);
    const second = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
    second.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
    assert.deepEqual(await second.next(), { type: 'ready', sessionId: session.sessionId, resumed: true, control: 'none' });
    assert.equal((await first.next()).code, 'SESSION_CUSTOMER_REPLACED');
    assert.deepEqual(await first.waitClose(), { code: 1008, reason: 'SESSION_CUSTOMER_REPLACED' });
    second.close();
  });

  it('invalid JSON and unknown types get MESSAGE_INVALID and the socket stays usable; the 5th bad frame closes with 1008', async () => {
    t = await startTestServer();
    const session = await createSession(t);
    const customer = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
    customer.ws.send('{not json');
    assert.deepEqual(await customer.next(), { type: 'error', code: 'MESSAGE_INVALID', message: ERROR_MESSAGES.MESSAGE_INVALID });
    customer.send({ type: 'teleport' });
    assert.equal((await customer.next()).code, 'MESSAGE_INVALID');
    customer.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
    assert.equal((await customer.next()).type, 'ready', 'still usable after bad frames');
    customer.ws.send(Buffer.from([99, 1, 2]));
    assert.equal((await customer.next()).code, 'MESSAGE_INVALID', 'an unknown page-frame kind is a bad frame');
    customer.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
    assert.equal((await customer.next()).code, 'MESSAGE_INVALID', 'a second hello is a bad frame');
    customer.send(['array']);
    assert.deepEqual(await customer.waitClose(), { code: 1008, reason: 'MESSAGE_TOO_MANY_INVALID' });
  });

  it('closes with 1009 on a frame above maxPayload and on an incremental frame above its own limit', async () => {
    t = await startTestServer({ limits: { customerMaxPayloadBytes: 64 * 1024, incrementalFrameBytes: 1024 } });
    const first = await customerWithSession(t);
    const agent = await agentSocket(t);
    agent.send({ type: 'join', code: first.session.code });
    assert.equal((await agent.next()).type, 'joined');
    // A snapshot may be larger than an incremental batch.
    const snapshot = Buffer.alloc(32 * 1024, 7);
    snapshot[0] = PageFrameKind.Snapshot;
    first.customer.ws.send(snapshot);
    assert.ok((await agent.nextBinary()).equals(snapshot));
    const incremental = Buffer.alloc(2048, 7);
    incremental[0] = PageFrameKind.Incremental;
    first.customer.ws.send(incremental);
    assert.deepEqual(await first.customer.waitClose(), { code: 1009, reason: 'PAGE_FRAME_TOO_LARGE' });
    // The limit is on the bytes relayed: a compressed incremental frame over it is closed too.
    const compressedPage = await customerWithSession(t);
    const secondAgent = await agentSocket(t);
    secondAgent.send({ type: 'join', code: compressedPage.session.code });
    assert.equal((await secondAgent.next()).type, 'joined');
    const deflated = Buffer.alloc(2048, 7);
    deflated[0] = PageFrameKind.Incremental | PAGE_FRAME_DEFLATED;
    compressedPage.customer.ws.send(deflated);
    assert.deepEqual(await compressedPage.customer.waitClose(), { code: 1009, reason: 'PAGE_FRAME_TOO_LARGE' });
    secondAgent.close();

    const second = await customerWithSession(t);
    const huge = Buffer.alloc(65 * 1024, 1);
    huge[0] = PageFrameKind.Snapshot;
    second.customer.ws.send(huge);
    assert.equal((await second.customer.waitClose()).code, 1009);
    agent.close();
  });

  it('terminates a peer that stops answering heartbeat pings', async () => {
    t = await startTestServer({ limits: { heartbeatIntervalMs: 100 } });
    const silent = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN }, { autoPong: false });
    const alive = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: CUSTOMER_ORIGIN });
    const session = await createSession(t);
    alive.send({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret });
    assert.equal((await alive.next()).type, 'ready');
    assert.equal((await silent.waitClose(3000)).code, 1006, 'cut without a close handshake');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(alive.ws.readyState, alive.ws.OPEN, 'a peer that answers pings stays');
    alive.close();
  });
});
