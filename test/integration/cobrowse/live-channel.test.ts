// The live co-browse part of the channel (issue 5) over real sockets: resume after a dropped link,
// lag probes, write-mode control, actions and refusals, customer presence and pages.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCobrowseChannel, type CobrowseChannel } from '../../../src/cobrowse/cobrowse-channel.js';
import type { ChannelLimits } from '../../../src/cobrowse/limits.js';
import { ERROR_MESSAGES } from '../../../common/errors.js';
import type { ServerToAgent } from '../../../common/protocol.js';
import { waitFor } from './helpers/wait-for-state.js';
import { startAgentProtocolServer, type AgentProtocolServer, type AgentProtocolServerOptions } from './helpers/agent-protocol-server.js';

const FAST: Partial<ChannelLimits> = {
  backoffBaseMs: 20,
  backoffCapMs: 100,
  handshakeTimeoutMs: 2000,
  welcomeTimeoutMs: 500,
  joinTimeoutMs: 400,
  stableLinkMs: 0,
  probeIntervalMs: 50,
  resumeGraceMs: 30_000,
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const TOKEN_1 = 'resume-token-0000000000000001';
const TOKEN_2 = 'resume-token-0000000000000002';

async function server(options: AgentProtocolServerOptions = {}): Promise<AgentProtocolServer> {
  const s = await startAgentProtocolServer({
    onJoin: (code) =>
      code === '123456789'
        ? { type: 'joined', sessionId: 's-1', customerOrigin: 'https://shop.example', resumeToken: TOKEN_1, control: 'none' }
        : { type: 'error', code: 'SESSION_CODE_UNKNOWN', message: 'unknown' },
    ...options,
  });
  cleanups.push(() => s.close());
  return s;
}

function channel(url: string, limits: Partial<ChannelLimits> = {}): CobrowseChannel {
  const c = createCobrowseChannel({ serverUrl: url, getAgentToken: async () => null, limits: { ...FAST, ...limits } });
  cleanups.push(() => c.close());
  return c;
}

async function joinedChannel(options: AgentProtocolServerOptions = {}, limits: Partial<ChannelLimits> = {}) {
  const s = await server(options);
  const c = channel(s.url, limits);
  c.connect();
  await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
  c.join('123456789');
  await waitFor(c, (x) => x.session.status === 'joined', 'joined');
  return { s, c };
}

function push(s: AgentProtocolServer, message: ServerToAgent): void {
  s.latest().send(JSON.stringify(message));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live co-browse channel: resume after a dropped link', () => {
  it('shows reconnecting, then resumes the same session with the resume token on the new socket', async () => {
    const resumes: string[] = [];
    const { s, c } = await joinedChannel({
      onResume: (token) => {
        resumes.push(token);
        return { type: 'joined', sessionId: 's-1', customerOrigin: 'https://shop.example', resumeToken: TOKEN_2, resumed: true, control: 'none' };
      },
    });
    push(s, { type: 'page', url: 'https://shop.example/claim', title: 'Claim' });
    await waitFor(c, (x) => x.session.status === 'joined' && x.session.page !== null, 'page');
    s.dropAll(1001);
    const during = await waitFor(c, (x) => x.session.status === 'reconnecting', 'reconnecting');
    assert.equal(during.session.status === 'reconnecting' && during.session.sessionId, 's-1');
    const back = await waitFor(c, (x) => x.session.status === 'joined', 'resumed');
    assert.deepEqual(resumes, [TOKEN_1], 'the resume carried the token of the last joined');
    assert.equal(s.handshakes.length, 2, 'on a fresh, re-authenticated socket');
    assert.equal(back.session.status === 'joined' && back.session.page?.url, 'https://shop.example/claim', 'what the agent knew is kept');
    assert.ok(!s.received.some((m) => (m as { type?: string }).type === 'join' && s.received.indexOf(m) > 0), 'no second join: the session was resumed, not rejoined');

    // The next drop uses the token that came with the resumed joined.
    s.dropAll(1001);
    await waitFor(c, (x) => x.session.status === 'reconnecting', 'reconnecting again');
    await waitFor(c, (x) => x.session.status === 'joined', 'resumed again');
    assert.deepEqual(resumes, [TOKEN_1, TOKEN_2]);
  });

  it('a refused resume ends the session with a clear reason', async () => {
    const { s, c } = await joinedChannel();
    s.dropAll(1001);
    const st = await waitFor(c, (x) => x.session.status === 'ended', 'ended');
    assert.equal(st.session.status === 'ended' && st.session.reason, 'connection-lost');
    assert.equal(st.connection.status, 'connected', 'the link itself is back');
    assert.ok(s.received.some((m) => (m as { type?: string }).type === 'resume'));
  });

  it('past the grace without a link the session ends as agent-unreachable', async () => {
    const { s, c } = await joinedChannel({}, { resumeGraceMs: 300 });
    await s.close();
    const st = await waitFor(c, (x) => x.session.status === 'ended', 'ended', 3000);
    assert.equal(st.session.status === 'ended' && st.session.reason, 'agent-unreachable');
    assert.equal(st.connection.status, 'reconnecting', 'the link keeps trying for the next session');
  });

  it('a server that joined without a resume token cannot be resumed: the session ends at once', async () => {
    const { s, c } = await joinedChannel({ onJoin: () => ({ type: 'joined', sessionId: 's-1', customerOrigin: null }) });
    s.dropAll(1001);
    const st = await waitFor(c, (x) => x.session.status === 'ended', 'ended');
    assert.equal(st.session.status === 'ended' && st.session.reason, 'connection-lost');
  });

  it('leaving while reconnecting gives the session up (no resume is sent later)', async () => {
    const { s, c } = await joinedChannel({ onResume: () => ({ type: 'joined', sessionId: 's-1', customerOrigin: null, resumed: true }) }, { backoffBaseMs: 300, backoffCapMs: 300 });
    s.dropAll(1001);
    await waitFor(c, (x) => x.session.status === 'reconnecting', 'reconnecting');
    c.leave();
    assert.equal(c.state().session.status, 'ended');
    await waitFor(c, (x) => x.connection.status === 'connected', 'reconnected');
    await sleep(100);
    assert.ok(!s.received.some((m) => (m as { type?: string }).type === 'resume'), 'no resume after leaving');
  });
});

describe('live co-browse channel: lag probes', () => {
  it('probes every interval while joined and turns echoes into round trip and clock offset', async () => {
    const skew = 7_000;
    const { s, c } = await joinedChannel({ echoProbe: () => Date.now() + skew });
    const st = await waitFor(c, (x) => x.session.status === 'joined' && x.session.timing !== null, 'timing');
    const timing = st.session.status === 'joined' ? st.session.timing : null;
    assert.ok(timing);
    assert.ok(timing.roundTripMs >= 0 && timing.roundTripMs < 500, `round trip ${timing.roundTripMs}`);
    // Same machine, 7 s skew: the estimate is within half a round trip of it.
    assert.ok(Math.abs(timing.clockOffsetMs - skew) <= timing.roundTripMs / 2 + 1, `offset ${timing.clockOffsetMs}`);
    assert.ok(Math.abs((c.clockOffset() ?? 0) - skew) <= 50);
    await sleep(200);
    const ids = s.probes.map((p) => p.id);
    assert.ok(ids.length >= 3, `several probes (${ids.length})`);
    assert.deepEqual(ids, [...new Set(ids)].sort((a, b) => a - b), 'ids are unique and increasing');
  });

  it('ignores an echo of a probe it never sent, and stops probing when the session ends', async () => {
    const { s, c } = await joinedChannel();
    push(s, { type: 'probe-echo', id: 999_999, at: 1 });
    await sleep(100);
    const after = c.state().session;
    assert.equal(after.status === 'joined' && after.timing, null);
    c.leave();
    const before = s.probes.length;
    await sleep(200);
    assert.equal(s.probes.length, before, 'no probes outside a session');
  });

  it('sends no probe before a session is joined', async () => {
    const s = await server();
    const c = channel(s.url);
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    await sleep(200);
    assert.equal(s.probes.length, 0);
  });
});

describe('live co-browse channel: pointer, write mode, actions', () => {
  it('pointer mode sends the node id; write mode asks, is granted, sends actions with ids', async () => {
    const { s, c } = await joinedChannel();
    c.pointAt(42);
    assert.throws(() => c.sendAction({ kind: 'click', nodeId: 42 }), { code: 'WRITE_MODE_NOT_GRANTED' });
    c.requestControl();
    const asked = c.state().session;
    assert.equal(asked.status === 'joined' && asked.control, 'requested');
    c.requestControl(); // already asked: not sent twice
    push(s, { type: 'control', state: 'granted' });
    await waitFor(c, (x) => x.session.status === 'joined' && x.session.control === 'granted', 'granted');
    const first = c.sendAction({ kind: 'click', nodeId: 42 });
    const second = c.sendAction({ kind: 'input', nodeId: 43, value: 'Ada Lovelace' });
    assert.ok(second > first);
    await s.waitForReceived(5);
    assert.deepEqual(s.received.slice(1, 5), [
      { type: 'pointer', nodeId: 42 },
      { type: 'control-request' },
      { type: 'action', id: first, action: { kind: 'click', nodeId: 42 } },
      { type: 'action', id: second, action: { kind: 'input', nodeId: 43, value: 'Ada Lovelace' } },
    ]);
  });

  it('a refusal from the customer page is shown in words; a revocation stops actions at once', async () => {
    const { s, c } = await joinedChannel();
    push(s, { type: 'control', state: 'granted' });
    await waitFor(c, (x) => x.session.status === 'joined' && x.session.control === 'granted', 'granted');
    const id = c.sendAction({ kind: 'input', nodeId: 7, value: 'x' });
    push(s, { type: 'action-refused', id, code: 'TARGET_MASKED' });
    const refused = await waitFor(c, (x) => x.session.status === 'joined' && x.session.lastRefusal !== null, 'refusal');
    assert.deepEqual(refused.session.status === 'joined' && refused.session.lastRefusal?.error, { code: 'ACTION_TARGET_MASKED', message: ERROR_MESSAGES.ACTION_TARGET_MASKED });
    push(s, { type: 'action-refused', id, code: 'TARGET_LOCKED' });
    await waitFor(c, (x) => x.session.status === 'joined' && x.session.lastRefusal?.error.code === 'ACTION_TARGET_LOCKED', 'locked');
    push(s, { type: 'control', state: 'revoked' });
    await waitFor(c, (x) => x.session.status === 'joined' && x.session.control === 'revoked', 'revoked');
    assert.throws(() => c.sendAction({ kind: 'click', nodeId: 7 }), { code: 'WRITE_MODE_NOT_GRANTED' });
  });

  it('release gives control back; nothing is sent outside a session', async () => {
    const s = await server();
    const c = channel(s.url);
    assert.throws(() => c.pointAt(1), { code: 'COBROWSE_NOT_IN_SESSION' });
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    assert.throws(() => c.requestControl(), { code: 'COBROWSE_NOT_IN_SESSION' });
    c.join('123456789');
    await waitFor(c, (x) => x.session.status === 'joined', 'joined');
    push(s, { type: 'control', state: 'granted' });
    await waitFor(c, (x) => x.session.status === 'joined' && x.session.control === 'granted', 'granted');
    c.releaseControl();
    const released = c.state().session;
    assert.equal(released.status === 'joined' && released.control, 'none');
    await s.waitForReceived(2);
    assert.deepEqual(s.received[1], { type: 'control-release' });
  });

  it('customer away with its grace, back, and the pages they visit', async () => {
    const { s, c } = await joinedChannel();
    push(s, { type: 'customer-away', graceSeconds: 30 });
    const away = await waitFor(c, (x) => x.session.status === 'joined' && x.session.customer.status === 'away', 'away');
    const grace = away.session.status === 'joined' && away.session.customer.status === 'away' ? away.session.customer.graceEndsAt - Date.now() : 0;
    assert.ok(grace > 29_000 && grace <= 30_000, `grace ${grace}`);
    push(s, { type: 'customer-back' });
    await waitFor(c, (x) => x.session.status === 'joined' && x.session.customer.status === 'present', 'back');
    push(s, { type: 'page', url: 'https://shop.example/claim/step-2', title: 'Claim — step 2' });
    const page = await waitFor(c, (x) => x.session.status === 'joined' && x.session.page !== null, 'page');
    assert.deepEqual(page.session.status === 'joined' && { url: page.session.page?.url, title: page.session.page?.title }, { url: 'https://shop.example/claim/step-2', title: 'Claim — step 2' });
  });
});
