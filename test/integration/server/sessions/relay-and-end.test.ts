import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PAGE_FRAME_DEFLATED, PageFrameKind } from '../../../../common/protocol.js';
import { startTestServer, type TestServer } from '../net-helpers/test-server.js';
import { agentSocket, customerWithSession } from '../net-helpers/sessions.js';
import { mustConnect } from '../net-helpers/ws-client.js';

function frame(kind: number, payloadBytes: number): Buffer {
  return Buffer.concat([Buffer.from([kind]), randomBytes(payloadBytes)]);
}

async function joinedPair(t: TestServer) {
  const { session, customer } = await customerWithSession(t);
  const agent = await agentSocket(t);
  agent.send({ type: 'join', code: session.code });
  const joined = await agent.next();
  assert.equal(joined.type, 'joined');
  assert.equal(joined.sessionId, session.sessionId);
  assert.equal(joined.customerOrigin, 'https://shop.example.test');
  assert.deepEqual(await customer.next(), { type: 'agent-joined', displayName: 'An agent' });
  return { session, customer, agent };
}

async function metrics(t: TestServer): Promise<string> {
  return (await fetch(`${t.server.url}/metrics`)).text();
}

describe('relay and session end', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('relays binary page frames customer → agent byte-identical, in order, and counts them', async () => {
    t = await startTestServer();
    const { customer, agent } = await joinedPair(t);
    const frames = [frame(PageFrameKind.Snapshot, 2 * 1024 * 1024), frame(PageFrameKind.Incremental, 300), frame(PageFrameKind.Incremental, 0)];
    for (const f of frames) customer.ws.send(f);
    for (const f of frames) assert.ok((await agent.nextBinary()).equals(f), 'the agent gets exactly the bytes the customer sent');
    const text = await metrics(t);
    assert.match(text, /^agentdesk_relayed_frames_total\{kind="snapshot"\} 1$/m);
    assert.match(text, /^agentdesk_relayed_frames_total\{kind="incremental"\} 2$/m);
    const total = frames.reduce((n, f) => n + f.length, 0);
    assert.match(text, new RegExp(`^agentdesk_relayed_bytes_total ${total}$`, 'm'));
    assert.match(text, /^agentdesk_active_sessions 1$/m);
    assert.match(text, /^agentdesk_open_connections\{side="customer"\} 1$/m);
    agent.close();
  });

  it('relays frames the page compressed (bit 7 of byte 0) untouched, and counts them by their kind', async () => {
    t = await startTestServer();
    const { customer, agent } = await joinedPair(t);
    const frames = [frame(PageFrameKind.Snapshot | PAGE_FRAME_DEFLATED, 4000), frame(PageFrameKind.Incremental | PAGE_FRAME_DEFLATED, 120)];
    for (const f of frames) customer.ws.send(f);
    for (const f of frames) assert.ok((await agent.nextBinary()).equals(f), 'the compressed frame reaches the agent as sent');
    const text = await metrics(t);
    assert.match(text, /^agentdesk_relayed_frames_total\{kind="snapshot"\} 1$/m);
    assert.match(text, /^agentdesk_relayed_frames_total\{kind="incremental"\} 1$/m);
    customer.ws.send(frame(0x80 | 3, 10));
    assert.equal((await customer.next()).code, 'MESSAGE_INVALID', 'a flagged byte 0 of no known kind is a bad frame');
    agent.close();
  });

  it('frames sent before an agent joins are not delivered later (the snippet re-sends a snapshot on agent-joined)', async () => {
    t = await startTestServer();
    const { session, customer } = await customerWithSession(t);
    customer.ws.send(frame(PageFrameKind.Snapshot, 100));
    const agent = await agentSocket(t);
    agent.send({ type: 'join', code: session.code });
    assert.equal((await agent.next()).type, 'joined');
    assert.equal((await customer.next()).type, 'agent-joined');
    const fresh = frame(PageFrameKind.Snapshot, 50);
    customer.ws.send(fresh);
    assert.ok((await agent.nextBinary()).equals(fresh));
    agent.close();
  });

  it('an agent joining before the customer says hello is announced to the customer on ready', async () => {
    t = await startTestServer();
    const created = await (await fetch(`${t.server.url}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: 'https://shop.example.test' } })).json() as { sessionId: string; code: string; customerSecret: string };
    const agent = await agentSocket(t);
    agent.send({ type: 'join', code: created.code });
    assert.equal((await agent.next()).type, 'joined');
    const customer = await mustConnect(t.wsUrl('/cobrowse/customer'), { origin: 'https://shop.example.test' });
    customer.send({ type: 'hello', sessionId: created.sessionId, secret: created.customerSecret });
    assert.equal((await customer.next()).type, 'ready');
    assert.deepEqual(await customer.next(), { type: 'agent-joined', displayName: 'An agent' });
    agent.close();
  });

  it('agent leave: the customer gets session-ended agent-left and is closed; the agent may join another session', async () => {
    t = await startTestServer();
    const { session, customer, agent } = await joinedPair(t);
    agent.send({ type: 'leave' });
    const ended = { type: 'session-ended', sessionId: session.sessionId, reason: 'agent-left' };
    assert.deepEqual(await agent.next(), ended);
    assert.deepEqual(await customer.next(), ended);
    assert.equal((await customer.waitClose()).code, 1000);
    const next = await customerWithSession(t);
    agent.send({ type: 'join', code: next.session.code });
    assert.equal((await agent.next()).type, 'joined');
    agent.close();
  });

  it('customer end: the agent gets session-ended customer-left at once', async () => {
    t = await startTestServer();
    const first = await joinedPair(t);
    first.customer.send({ type: 'end' });
    assert.deepEqual(await first.agent.next(), { type: 'session-ended', sessionId: first.session.sessionId, reason: 'customer-left' });
    assert.match(await metrics(t), /^agentdesk_active_sessions 0$/m);
    first.agent.close();
  });

  it('customer socket close without end: the agent hears customer-away, then customer-unreachable after the grace', async () => {
    t = await startTestServer({ limits: { resumeGraceMs: 400 } });
    const { session, customer, agent } = await joinedPair(t);
    customer.close();
    assert.deepEqual(await agent.next(), { type: 'customer-away', graceSeconds: 1 });
    assert.deepEqual(await agent.next(), { type: 'session-ended', sessionId: session.sessionId, reason: 'customer-unreachable' });
    assert.match(await metrics(t), /^agentdesk_active_sessions 0$/m);
    agent.close();
  });

  it('agent socket close without leave: the customer hears agent-away, then agent-unreachable after the grace', async () => {
    t = await startTestServer({ limits: { resumeGraceMs: 400 } });
    const { session, customer, agent } = await joinedPair(t);
    agent.close();
    assert.deepEqual(await customer.next(), { type: 'agent-away', graceSeconds: 1 });
    assert.deepEqual(await customer.next(), { type: 'session-ended', sessionId: session.sessionId, reason: 'agent-unreachable' });
    assert.equal((await customer.waitClose()).code, 1000);
  });

  it('one agent per session, and one session per agent', async () => {
    t = await startTestServer();
    const { agent } = await joinedPair(t);
    const other = await customerWithSession(t);
    agent.send({ type: 'join', code: other.session.code });
    assert.equal((await agent.next()).code, 'SESSION_AGENT_BUSY');
    agent.close();
  });

  it('a slow agent that stops reading is closed (1013, then cut) instead of buffering without bound; the customer hears agent-away', async () => {
    t = await startTestServer({ limits: { maxBufferedBytes: 1024 * 1024, shutdownDrainMs: 300 } });
    const { customer, agent } = await joinedPair(t);
    agent.ws.pause();
    const big = frame(PageFrameKind.Snapshot, 1024 * 1024);
    for (let i = 0; i < 40; i += 1) customer.ws.send(big);
    assert.deepEqual(await customer.next(10_000), { type: 'agent-away', graceSeconds: 30 });
    assert.match(await metrics(t), /^agentdesk_open_connections\{side="agent"\} 0$/m);
  });
});
