import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCobrowseChannel, type CobrowseChannel, type CobrowseChannelOptions } from '../../../src/cobrowse/cobrowse-channel.js';
import type { ChannelState } from '../../../src/cobrowse/channel-state.js';
import type { ChannelLimits } from '../../../src/cobrowse/limits.js';
import { ERROR_MESSAGES } from '../../../common/errors.js';
import { PageFrameKind } from '../../../common/protocol.js';
import { waitFor } from './helpers/wait-for-state.js';
import { startAgentProtocolServer, type AgentProtocolServer, type AgentProtocolServerOptions } from './helpers/agent-protocol-server.js';

const AGENT_TOKEN = '01234567890123456789012345';

// Small timings so reconnects happen in milliseconds; the shapes are the product's.
const FAST: Partial<ChannelLimits> = {
  backoffBaseMs: 20,
  backoffCapMs: 200,
  handshakeTimeoutMs: 2000,
  welcomeTimeoutMs: 500,
  heartbeatGraceMs: 50,
  pingTimeoutMs: 150,
  joinTimeoutMs: 300,
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function server(options: AgentProtocolServerOptions = {}): Promise<AgentProtocolServer> {
  const s = await startAgentProtocolServer(options);
  cleanups.push(() => s.close());
  return s;
}

function channel(serverUrl: string, options: Partial<CobrowseChannelOptions> = {}): CobrowseChannel & { history: ChannelState[] } {
  const c = createCobrowseChannel({ serverUrl, getAgentToken: async () => AGENT_TOKEN, limits: FAST, ...options });
  const history: ChannelState[] = [];
  c.onState((s) => history.push(s));
  cleanups.push(() => c.close());
  return Object.assign(c, { history });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('co-browse channel against a real WebSocket server', () => {
  it('connects with the agent token header and the bearer access token, and reports how it was admitted', async () => {
    const s = await server({ admit: (req) => ({ accept: true, agentAuth: req.headers['x-cobrowse-agent-token'] === AGENT_TOKEN ? 'token' : 'none' }) });
    const c = channel(s.url, { getAccessToken: async () => 'access-1' });
    c.connect();
    const st = await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    assert.deepEqual(st.connection, { status: 'connected', agentAuth: 'token' });
    assert.equal(s.handshakes.length, 1);
    const [hs] = s.handshakes;
    assert.equal(hs?.url, '/cobrowse/agent', 'the token never goes in the URL');
    assert.equal(hs?.headers['x-cobrowse-agent-token'], AGENT_TOKEN);
    assert.equal(hs?.headers.authorization, 'Bearer access-1');
    assert.deepEqual(c.history[0]?.connection, { status: 'connecting', attempt: 1 });
  });

  it('sends no token header when none is set, and is admitted without agent authentication', async () => {
    const s = await server();
    const c = channel(s.url, { getAgentToken: async () => null });
    c.connect();
    const st = await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    assert.deepEqual(st.connection, { status: 'connected', agentAuth: 'none' });
    assert.equal(s.handshakes[0]?.headers['x-cobrowse-agent-token'], undefined);
    assert.equal(s.handshakes[0]?.headers.authorization, undefined);
  });

  it('stops in failed on a refused agent token (HTTP 401 AGENT_TOKEN_INVALID) and does not retry', async () => {
    const s = await server({
      admit: () => ({ accept: false, status: 401, body: { code: 'AGENT_TOKEN_INVALID', message: 'The co-browse server refused the agent token.' } }),
    });
    const c = channel(s.url);
    c.connect();
    const st = await waitFor(c, (x) => x.connection.status === 'failed', 'failed');
    assert.deepEqual(st.connection, {
      status: 'failed',
      error: { code: 'AGENT_TOKEN_INVALID', message: ERROR_MESSAGES.AGENT_TOKEN_INVALID },
      retryable: false,
    });
    await sleep(300); // several backoff windows
    assert.equal(s.handshakes.length, 1, 'a refused token is not retried');
  });

  it('stops in failed when the policy requires a token the server does not have', async () => {
    const s = await server({ admit: () => ({ accept: false, status: 503, body: { code: 'AGENT_TOKEN_REQUIRED', message: 'required' } }) });
    const c = channel(s.url, { getAgentToken: async () => null });
    c.connect();
    const st = await waitFor(c, (x) => x.connection.status === 'failed', 'failed');
    assert.equal(st.connection.status === 'failed' && st.connection.error.code, 'AGENT_TOKEN_REQUIRED');
    await sleep(200);
    assert.equal(s.handshakes.length, 1);
  });

  it('stops on a wrong server URL (404) instead of hammering it', async () => {
    const s = await server();
    const c = channel(`${s.url}/not-the-server`);
    c.connect();
    const st = await waitFor(c, (x) => x.connection.status === 'failed', 'failed');
    assert.equal(st.connection.status === 'failed' && st.connection.error.code, 'HTTP_NOT_FOUND');
    assert.equal(s.handshakes[0]?.url, '/not-the-server/cobrowse/agent');
  });

  it('retry() after a refusal tries again, and connects once the token is right', async () => {
    let serverToken = '99999999999999999999999999';
    const s = await server({
      admit: (req) =>
        req.headers['x-cobrowse-agent-token'] === serverToken
          ? { accept: true, agentAuth: 'token' }
          : { accept: false, status: 401, body: { code: 'AGENT_TOKEN_INVALID', message: 'x' } },
    });
    const c = channel(s.url);
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'failed', 'failed');
    serverToken = AGENT_TOKEN;
    c.retry();
    const st = await waitFor(c, (x) => x.connection.status === 'connected', 'connected after retry');
    assert.deepEqual(st.connection, { status: 'connected', agentAuth: 'token' });
    assert.equal(s.handshakes.length, 2);
  });

  it('reconnects by itself after the server drops the link, fetching a fresh access token first', async () => {
    const s = await server();
    let n = 0;
    // stableLinkMs 0: this link counts as having been up long enough, so the backoff starts over.
    const c = channel(s.url, { getAccessToken: async () => `access-${++n}`, limits: { ...FAST, stableLinkMs: 0 } });
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    s.dropAll(1001);
    const reconnecting = await waitFor(c, (x) => x.connection.status === 'reconnecting', 'reconnecting');
    assert.equal(reconnecting.connection.status, 'reconnecting');
    if (reconnecting.connection.status === 'reconnecting') {
      assert.equal(reconnecting.connection.attempt, 1);
      assert.equal(reconnecting.connection.lastError.code, 'COBROWSE_CONNECTION_LOST');
      assert.ok(reconnecting.connection.nextTryAt >= Date.now() - 5 && reconnecting.connection.nextTryAt <= Date.now() + 200);
    }
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected again');
    assert.equal(s.handshakes.length, 2);
    assert.equal(s.handshakes[1]?.headers.authorization, 'Bearer access-2', 'the token getter runs before each reconnect');
  });

  it('does not restart the backoff for a link that drops right after it opened', async () => {
    const s = await server();
    const c = channel(s.url, { limits: { ...FAST, stableLinkMs: 60_000 } });
    c.connect();
    for (let i = 0; i < 3; i += 1) {
      await waitFor(c, (x) => x.connection.status === 'connected', `connected ${i + 1}`);
      s.dropAll(1011);
      await waitFor(c, (x) => x.connection.status === 'reconnecting', `reconnecting ${i + 1}`);
    }
    const attempts = c.history.flatMap((h) => (h.connection.status === 'reconnecting' ? [h.connection.attempt] : []));
    assert.deepEqual(attempts, [2, 3, 4], 'a flapping server is retried with growing delays');
  });

  it('keeps retrying with growing attempts while the server is down, and connects when it is back', async () => {
    const first = await startAgentProtocolServer();
    const port = first.port;
    await first.close();
    const c = channel(`http://127.0.0.1:${port}`);
    c.connect();
    const st = await waitFor(c, (x) => x.connection.status === 'reconnecting' && x.connection.attempt >= 3, 'third attempt');
    assert.equal(st.connection.status === 'reconnecting' && st.connection.lastError.code, 'COBROWSE_UNREACHABLE');
    const attempts = c.history.flatMap((h) => (h.connection.status === 'reconnecting' ? [h.connection.attempt] : []));
    assert.deepEqual(attempts.slice(0, 2), [2, 3], 'each failed try bumps the attempt number');
    const back = await server({ port });
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected when the server is back');
    assert.ok(back.handshakes.length >= 1);
  });

  it('detects a dead link by the heartbeat and reconnects', async () => {
    // The server never pings and never answers pings: the TCP link stays up but nothing flows.
    const s = await server({ autoPong: false, admit: () => ({ accept: true, agentAuth: 'none', heartbeatMs: 100 }) });
    const c = channel(s.url);
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    const started = Date.now();
    const st = await waitFor(c, (x) => x.connection.status === 'reconnecting', 'reconnecting after silence', 3000);
    const silentFor = Date.now() - started;
    assert.equal(st.connection.status === 'reconnecting' && st.connection.lastError.code, 'COBROWSE_CONNECTION_LOST');
    assert.ok(silentFor >= 250, `waited heartbeat + grace + ping timeout (${silentFor} ms)`);
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected again');
  });

  it('keeps a healthy but quiet link open while the server pings', async () => {
    const s = await server({ admit: () => ({ accept: true, agentAuth: 'none', heartbeatMs: 100 }) });
    const c = channel(s.url);
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    const timer = setInterval(() => s.latest().ping(), 80);
    await sleep(700);
    clearInterval(timer);
    assert.equal(c.state().connection.status, 'connected');
    assert.equal(s.handshakes.length, 1);
  });

  it('joins a session, passes page frames through byte-identical, and shows the end reason', async () => {
    const s = await server({ admit: () => ({ accept: true, agentAuth: 'token' }) });
    const c = channel(s.url);
    const frames: Buffer[] = [];
    c.onPageFrame((f) => frames.push(f));
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    c.join('123 456 789');
    const joined = await waitFor(c, (x) => x.session.status === 'joined', 'joined');
    assert.deepEqual(
      { ...joined.session, joinedAt: 0 },
      {
        status: 'joined',
        sessionId: 's-1',
        code: '123456789',
        customerOrigin: 'https://shop.example',
        assetOrigins: [],
        joinedAt: 0,
        control: 'none',
        customer: { status: 'present' },
        page: null,
        timing: null,
        lastRefusal: null,
      },
    );
    assert.deepEqual(s.received[0], { type: 'join', code: '123456789' });

    const frame = Buffer.concat([Buffer.from([PageFrameKind.Snapshot]), Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251))]);
    s.latest().send(frame, { binary: true });
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (frames.length > 0) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    assert.ok(frames[0]?.equals(frame), 'the frame arrives as the same bytes');

    s.latest().send(JSON.stringify({ type: 'session-ended', sessionId: 's-1', reason: 'customer-left' }));
    const ended = await waitFor(c, (x) => x.session.status === 'ended', 'ended');
    assert.equal(ended.session.status === 'ended' && ended.session.reason, 'customer-left');
  });

  it('shows why the server refused a join, and lets the agent try another code', async () => {
    const s = await server();
    const c = channel(s.url);
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    c.join('111111111');
    const failed = await waitFor(c, (x) => x.session.status === 'join-failed', 'join refused');
    assert.deepEqual(failed.session, {
      status: 'join-failed',
      code: '111111111',
      error: { code: 'SESSION_CODE_UNKNOWN', message: ERROR_MESSAGES.SESSION_CODE_UNKNOWN },
    });
    c.join('123456789');
    await waitFor(c, (x) => x.session.status === 'joined', 'joined');
  });

  it('times out a join the server never answers', async () => {
    // This server answers `join` with a message that is neither `joined` nor `error`.
    const s = await server({ onJoin: () => ({ type: 'welcome', agentAuth: 'none', identity: null, heartbeatMs: 30_000 }) });
    const c = channel(s.url);
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    c.join('123456789');
    const st = await waitFor(c, (x) => x.session.status === 'join-failed', 'join timeout', 2000);
    assert.equal(st.session.status === 'join-failed' && st.session.error.code, 'COBROWSE_JOIN_TIMEOUT');
    assert.equal(c.state().connection.status, 'connected', 'the link stays up');
  });

  it('rejects bad codes and joins while not connected with typed errors', async () => {
    const s = await server();
    const c = channel(s.url);
    assert.throws(() => c.join('123456789'), { code: 'COBROWSE_NOT_CONNECTED' });
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    assert.throws(() => c.join('12345'), { code: 'SESSION_CODE_INVALID' });
    c.join('123456789');
    assert.throws(() => c.join('123456789'), { code: 'COBROWSE_SESSION_ACTIVE' });
    await s.waitForReceived(1);
    await sleep(50);
    assert.equal(s.received.length, 1, 'only the valid join reached the server');
  });

  it('ends a joined session as connection-lost when the link drops', async () => {
    const s = await server();
    const c = channel(s.url);
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    c.join('123456789');
    await waitFor(c, (x) => x.session.status === 'joined', 'joined');
    s.dropAll(1011);
    const st = await waitFor(c, (x) => x.session.status === 'ended', 'ended');
    assert.equal(st.session.status === 'ended' && st.session.reason, 'connection-lost');
  });

  it('leave() tells the server and ends the session', async () => {
    const s = await server();
    const c = channel(s.url);
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    c.join('123456789');
    await waitFor(c, (x) => x.session.status === 'joined', 'joined');
    c.leave();
    const st = c.state();
    assert.equal(st.session.status === 'ended' && st.session.reason, 'agent-left');
    await s.waitForReceived(2);
    assert.deepEqual(s.received[1], { type: 'leave' });
  });

  it('honours Retry-After on a 429 lock-out', async () => {
    const s = await server({
      admit: (_req, i) =>
        i === 0 ? { accept: false, status: 429, body: { code: 'AGENT_AUTH_LOCKED_OUT', message: 'x' }, headers: { 'retry-after': '1' } } : { accept: true, agentAuth: 'none' },
    });
    const c = channel(s.url);
    const before = Date.now();
    c.connect();
    const st = await waitFor(c, (x) => x.connection.status === 'reconnecting', 'reconnecting');
    assert.equal(st.connection.status === 'reconnecting' && st.connection.lastError.code, 'AGENT_AUTH_LOCKED_OUT');
    assert.ok(st.connection.status === 'reconnecting' && st.connection.nextTryAt >= before + 1000, 'not before Retry-After');
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected after the lock-out', 3000);
    assert.ok(s.handshakes[1]!.at - s.handshakes[0]!.at >= 950);
  });

  it('stops with Retry offered when the server asks to wait longer than the cap', async () => {
    const s = await server({
      admit: () => ({ accept: false, status: 429, body: { code: 'AGENT_AUTH_LOCKED_OUT', message: 'x' }, headers: { 'retry-after': '3600' } }),
    });
    const c = channel(s.url, { limits: { ...FAST, retryAfterCapMs: 1000 } });
    c.connect();
    const st = await waitFor(c, (x) => x.connection.status === 'failed', 'failed');
    assert.deepEqual(st.connection, { status: 'failed', error: { code: 'AGENT_AUTH_LOCKED_OUT', message: ERROR_MESSAGES.AGENT_AUTH_LOCKED_OUT }, retryable: true });
    await sleep(200);
    assert.equal(s.handshakes.length, 1, 'no silent hour-long wait, no hammering either');
  });

  it('retries a refused sign-in a few times (refreshing the access token), then stops', async () => {
    const s = await server({ admit: () => ({ accept: false, status: 401, body: { code: 'AGENT_IDENTITY_EXPIRED', message: 'x' } }) });
    let refreshes = 0;
    const c = channel(s.url, { getAccessToken: async () => `access-${++refreshes}`, limits: { ...FAST, maxIdentityRefusals: 2 } });
    c.connect();
    const st = await waitFor(c, (x) => x.connection.status === 'failed', 'failed');
    assert.equal(st.connection.status === 'failed' && st.connection.error.code, 'AGENT_IDENTITY_EXPIRED');
    assert.equal(s.handshakes.length, 3, 'the first try and two retries');
    assert.deepEqual(s.handshakes.map((h) => h.headers.authorization), ['Bearer access-1', 'Bearer access-2', 'Bearer access-3']);
  });

  it('treats a first message that is not a welcome as a protocol error and reconnects', async () => {
    const s = await server({ admit: (_req, i) => (i === 0 ? { accept: true, agentAuth: 'none', firstMessage: '{"type":"hello"}' } : { accept: true, agentAuth: 'none' }) });
    const c = channel(s.url);
    c.connect();
    const st = await waitFor(c, (x) => x.connection.status === 'reconnecting', 'reconnecting');
    assert.equal(st.connection.status === 'reconnecting' && st.connection.lastError.code, 'COBROWSE_PROTOCOL_ERROR');
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
  });

  it('ignores an unreadable message after the welcome without dropping the link', async () => {
    const s = await server();
    const c = channel(s.url);
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    s.latest().send('not json');
    s.latest().send(JSON.stringify({ type: 'from-the-future' }));
    c.join('123456789');
    await waitFor(c, (x) => x.session.status === 'joined', 'joined');
    assert.equal(s.handshakes.length, 1);
  });

  it('close() closes the link and stops reconnecting', async () => {
    const s = await server();
    const c = channel(s.url);
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    await c.close();
    assert.deepEqual(c.state().connection, { status: 'idle' });
    await sleep(200);
    assert.equal(s.handshakes.length, 1);
  });

  it('reports a bad server URL as failed without touching the network', async () => {
    const c = channel('https://user:secret@example.com');
    c.connect();
    assert.deepEqual(c.state().connection, { status: 'failed', error: { code: 'SERVER_URL_INVALID', message: ERROR_MESSAGES.SERVER_URL_INVALID }, retryable: false });
  });

  it('refuses plain http to another machine (SERVER_URL_INSECURE) before any connection; http to this machine is fine', async () => {
    const s = await server({ admit: () => ({ accept: true, agentAuth: 'token' }) });
    const port = new URL(s.url).port;
    // The IPv4-mapped form reaches the same listener but does not name this machine as such.
    const c = channel(`http://[::ffff:127.0.0.1]:${port}`);
    c.connect();
    assert.deepEqual(c.state().connection, { status: 'failed', error: { code: 'SERVER_URL_INSECURE', message: ERROR_MESSAGES.SERVER_URL_INSECURE }, retryable: false });
    await sleep(200);
    assert.equal(s.handshakes.length, 0, 'nothing was sent in clear');
    await c.close();
  });

  it('never logs the agent token or the access token', async () => {
    const lines: string[] = [];
    const logger = { info: (f: object, m: string) => lines.push(JSON.stringify(f) + m), warn: (f: object, m: string) => lines.push(JSON.stringify(f) + m) };
    const s = await server({ admit: (_req, i) => (i < 2 ? { accept: false, status: 401, body: { code: 'AGENT_IDENTITY_INVALID', message: 'x' } } : { accept: true, agentAuth: 'token' }) });
    const c = channel(s.url, { logger, getAccessToken: async () => 'eyJ.secret-access.token' });
    c.connect();
    await waitFor(c, (x) => x.connection.status === 'connected', 'connected');
    s.dropAll();
    await waitFor(c, (x) => x.connection.status === 'reconnecting', 'reconnecting');
    assert.ok(lines.length >= 3, 'the channel logged its story');
    for (const line of lines) {
      assert.ok(!line.includes(AGENT_TOKEN), line);
      assert.ok(!line.includes('secret-access'), line);
    }
  });
});
