// The hub through its public interface (createSession, addAgent, addCustomer, sweepExpired,
// shutdown), with fake sockets and node:test's fake timers as the clock: grace, expiry and
// rotation deadlines are reached by moving time, not by waiting.
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import type { WebSocket } from 'ws';
import { NET_LIMITS } from '../../../../server/limits.js';
import { NetMetrics } from '../../../../server/metrics/net-metrics.js';
import { MemorySessionStore } from '../../../../server/sessions/memory-session-store.js';
import { secretDigest } from '../../../../server/policy/secret-digest.js';
import { AuditStore } from '../../../../server/store/audit-store.js';
import { SessionHub } from '../../../../server/ws/session-hub.js';
import { MemoryTokenSource } from '../../../integration/server/net-helpers/memory-token-source.js';

/** Just enough of a ws WebSocket for PeerSocket: records what the hub sends and how it closes. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CLOSED = 3;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: (Record<string, unknown> | Buffer)[] = [];
  closedWith: number | null = null;
  send(data: string | Buffer): void {
    this.sent.push(typeof data === 'string' ? (JSON.parse(data) as Record<string, unknown>) : data);
  }
  close(code: number): void {
    this.closedWith = code;
    this.drop();
  }
  terminate(): void {
    this.drop();
  }
  ping(): void {}
  /** The network goes away: the hub sees the close. */
  drop(): void {
    if (this.readyState === this.CLOSED) return;
    this.readyState = this.CLOSED;
    this.emit('close');
  }
  /** A text message from the peer. */
  say(message: object): void {
    this.emit('message', Buffer.from(JSON.stringify(message)), false);
  }
  types(): unknown[] {
    return this.sent.map((m) => (Buffer.isBuffer(m) ? 'binary' : m.type));
  }
  last(type: string): Record<string, unknown> | undefined {
    return this.sent.filter((m): m is Record<string, unknown> => !Buffer.isBuffer(m) && m.type === type).at(-1);
  }
}

// The fake stands in for ws's class at this one seam (the hub only uses what FakeSocket has).
const asWs = (s: FakeSocket): WebSocket => s as unknown as WebSocket;
const TOKEN_A = '12345678901234567890123456';
const TOKEN_B = '65432109876543210987654321';
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('SessionHub', () => {
  let hub: SessionHub;
  let tokens: MemoryTokenSource;
  let audit: AuditStore;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_000_000 });
    const clock = () => Date.now();
    tokens = new MemoryTokenSource(TOKEN_A, clock);
    audit = AuditStore.inMemory();
    hub = new SessionHub({
      limits: NET_LIMITS,
      clock,
      logger: pino({ level: 'silent' }),
      metrics: new NetMetrics(),
      policy: 'compatible',
      audit,
      agentToken: tokens,
      store: new MemorySessionStore(NET_LIMITS, clock),
    });
  });
  afterEach(async () => {
    await hub.shutdown();
    mock.timers.reset();
  });

  function agent(tokenDigest: Buffer | null = null): FakeSocket {
    const ws = new FakeSocket();
    hub.addAgent(asWs(ws), '127.0.0.1', { agentAuth: tokenDigest ? 'token' : 'none', identity: null, tokenDigest });
    return ws;
  }

  async function session(): Promise<{ code: string; id: string; customer: FakeSocket }> {
    const created = await hub.createSession('https://shop.example.test');
    assert.ok(created.ok);
    const customer = new FakeSocket();
    hub.addCustomer(asWs(customer), '127.0.0.2', 'https://shop.example.test');
    customer.say({ type: 'hello', sessionId: created.session.id, secret: created.customerSecret });
    assert.equal(customer.last('ready')?.resumed, false);
    return { code: created.session.code, id: created.session.id, customer };
  }

  async function joined(ws: FakeSocket, code: string): Promise<void> {
    ws.say({ type: 'join', code });
    await tick();
    assert.ok(ws.last('joined'), `joined: ${JSON.stringify(ws.sent)}`);
  }

  it('welcomes an agent, joins it by code, and relays page frames to it untouched', async () => {
    const a = agent();
    assert.equal(a.last('welcome')?.heartbeatMs, NET_LIMITS.heartbeatIntervalMs);
    const { code, customer } = await session();
    await joined(a, code);
    assert.equal(hub.sessionCount, 1);
    assert.equal(customer.last('agent-joined')?.displayName, 'An agent');
    const frame = Buffer.from([1, 123, 125]);
    customer.emit('message', frame, true);
    assert.equal(a.sent.at(-1), frame, 'the same Buffer goes out');
  });

  it('answers messages sent right behind a join in the order they came', async () => {
    const a = agent();
    const { code } = await session();
    a.say({ type: 'join', code });
    a.say({ type: 'control-request' });
    await tick();
    await tick();
    assert.deepEqual(a.types().slice(1), ['joined', 'control']);
  });

  it('a code joins once', async () => {
    const { code } = await session();
    await joined(agent(), code);
    const b = agent();
    b.say({ type: 'join', code });
    await tick();
    assert.equal(b.last('error')?.code, 'SESSION_CODE_USED');
  });

  it('an agent that drops may resume within the grace with its one-use token; after the grace the session ends', async () => {
    const a = agent();
    const { code, customer } = await session();
    await joined(a, code);
    const token = a.last('joined')!.resumeToken as string;
    a.drop();
    assert.ok(customer.last('agent-away'));

    const b = agent();
    b.say({ type: 'resume', resumeToken: token });
    await tick();
    assert.equal(b.last('joined')?.resumed, true);
    const c = agent();
    c.say({ type: 'resume', resumeToken: token });
    await tick();
    assert.equal(c.last('error')?.code, 'SESSION_RESUME_INVALID', 'the token was used');

    b.drop();
    mock.timers.tick(NET_LIMITS.resumeGraceMs - 1);
    assert.equal(hub.sessionCount, 1);
    mock.timers.tick(1);
    assert.equal(hub.sessionCount, 0);
    assert.equal(customer.last('session-ended')?.reason, 'agent-unreachable');
    assert.equal(customer.closedWith, 1000);
  });

  it('a customer that drops is announced away to the agent with the seconds left, and back on hello', async () => {
    const a = agent();
    const created = await hub.createSession(null);
    assert.ok(created.ok);
    const first = new FakeSocket();
    hub.addCustomer(asWs(first), '127.0.0.2', 'https://shop.example.test');
    first.say({ type: 'hello', sessionId: created.session.id, secret: created.customerSecret });
    await joined(a, created.session.code);
    first.drop();
    assert.equal(a.last('customer-away')?.graceSeconds, NET_LIMITS.resumeGraceMs / 1000);
    mock.timers.tick(10_000);
    const next = new FakeSocket();
    hub.addCustomer(asWs(next), '127.0.0.2', 'https://shop.example.test');
    next.say({ type: 'hello', sessionId: created.session.id, secret: created.customerSecret });
    assert.equal(next.last('ready')?.resumed, true);
    assert.ok(a.last('customer-back'));
  });

  it('refuses a hello with the wrong secret, and ends an unjoined session at its TTL', async () => {
    const created = await hub.createSession(null);
    assert.ok(created.ok);
    const wrong = new FakeSocket();
    hub.addCustomer(asWs(wrong), '127.0.0.2', 'https://shop.example.test');
    wrong.say({ type: 'hello', sessionId: created.session.id, secret: 'x'.repeat(43) });
    assert.equal(wrong.last('error')?.code, 'SESSION_SECRET_INVALID');

    mock.timers.tick(NET_LIMITS.sessionUnjoinedTtlMs);
    await hub.sweepExpired();
    assert.equal(hub.sessionCount, 0);
    const a = agent();
    a.say({ type: 'join', code: created.session.code });
    await tick();
    assert.equal(a.last('error')?.code, 'SESSION_CODE_EXPIRED');
  });

  it('control moves only with consent, and actions pass only while granted', async () => {
    const a = agent();
    const { code, customer } = await session();
    await joined(a, code);
    a.say({ type: 'action', id: 1, action: { kind: 'click', nodeId: 3 } });
    assert.equal(a.last('action-refused')?.code, 'CONTROL_NOT_GRANTED');
    customer.say({ type: 'control', state: 'granted' });
    assert.equal(customer.last('error')?.code, 'CONTROL_NOT_REQUESTED');
    a.say({ type: 'control-request' });
    customer.say({ type: 'control', state: 'granted' });
    assert.equal(a.last('control')?.state, 'granted');
    a.say({ type: 'action', id: 2, action: { kind: 'click', nodeId: 3 } });
    assert.equal(customer.last('action')?.id, 2);
  });

  it('drops an agent on the previous token when the rotation grace ends, not before', async () => {
    const a = agent(secretDigest(TOKEN_A));
    const { code, customer } = await session();
    await joined(a, code);
    tokens.set({ current: TOKEN_B, previous: { token: TOKEN_A, validUntil: Date.now() + 30_000 } });
    assert.equal(a.closedWith, null, 'still inside the grace');
    mock.timers.tick(29_999);
    assert.equal(a.closedWith, null);
    mock.timers.tick(1);
    assert.equal(a.closedWith, 4001);
    assert.equal(customer.last('session-ended')?.reason, 'token-rotated');
  });

  it('the audit-cap attack: a page flooding action-refused fills only its own share; the grant, the agent actions and the end are written', async () => {
    const a = agent();
    const { code, id, customer } = await session();
    await joined(a, code);
    const cap = NET_LIMITS.auditEventsPerKindPerSession;
    // Unlimited, 94 ms of this once filled a 5,000-row cap for the whole session. Now at most
    // customerControlMessagesPerSecond pass each second, and the kind has its own cap.
    let sent = 0;
    let limited = 0;
    while (sent < (cap * 3) / 2) {
      for (let i = 0; i < NET_LIMITS.customerControlMessagesPerSecond + 20; i += 1) {
        customer.say({ type: 'action-refused', id: sent, code: 'TARGET_GONE' });
        sent += 1;
      }
      limited = customer.sent.filter((m) => !Buffer.isBuffer(m) && m.code === 'MESSAGE_RATE_LIMITED').length;
      mock.timers.tick(1000);
    }
    assert.ok(limited >= (sent / 70) * 20 - 1, `the page's messages are rate limited like the agent's (${limited} of ${sent})`);
    a.say({ type: 'control-request' });
    customer.say({ type: 'control', state: 'granted' });
    for (let i = 0; i < 10; i += 1) a.say({ type: 'action', id: 10_000 + i, action: { kind: 'click', nodeId: 3 } });
    customer.say({ type: 'end' });
    await tick();
    const history = (await audit.history(id, 100_000))!;
    const kinds = history.events.map((e) => e.kind);
    assert.equal(kinds.filter((k) => k === 'action-refused').length, cap, 'the flooded kind stops at its cap');
    assert.deepEqual(history.capped.map((c) => [c.of, c.after]), [['action-refused', cap]], 'and the trail says so');
    assert.deepEqual(history.modes.map((m) => m.state), ['requested', 'granted'], 'every control change is in the trail');
    assert.equal(history.actions.length, 10, 'every agent action is in the trail');
    assert.equal(history.endReason, 'customer-left');
    // The endpoint's page limit cuts the rows, never the end; it says how many it left out.
    const page = (await audit.history(id, 100))!;
    assert.equal(page.events.at(-1)?.kind, 'end');
    assert.equal(page.endReason, 'customer-left');
    assert.equal(page.eventsOmitted, history.events.length - 101);
  });

  it('on shutdown ends every session with server-shutdown and closes every socket with 1001', async () => {
    const a = agent();
    const { code, customer } = await session();
    await joined(a, code);
    await hub.shutdown();
    assert.equal(a.last('session-ended')?.reason, 'server-shutdown');
    assert.equal(customer.closedWith, 1001);
    assert.equal(a.closedWith, 1001);
  });
});
