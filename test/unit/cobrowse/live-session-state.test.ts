import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_CHANNEL_STATE, reduceChannel, type ChannelEvent, type ChannelState } from '../../../src/cobrowse/channel-state.js';
import { RESUME_GRACE_SECONDS } from '../../../common/protocol.js';

const lost = { code: 'COBROWSE_CONNECTION_LOST', message: 'lost' };
const T = 5_000_000;

function run(events: readonly ChannelEvent[], from: ChannelState = INITIAL_CHANNEL_STATE): ChannelState {
  return events.reduce((state, event, i) => reduceChannel(state, event, T + i), from);
}

const connected = run([{ type: 'connecting', attempt: 1 }, { type: 'welcomed', agentAuth: 'token' }]);
const joined = run([{ type: 'join-sent', code: '123456789' }, { type: 'joined', sessionId: 's-1', customerOrigin: 'https://shop.example', resumed: false, control: null }], connected);
const dropped = run([{ type: 'link-failed', error: lost, attempt: 1, nextTryAt: T + 500, resumable: true }], joined);

function live(state: ChannelState) {
  assert.ok(state.session.status === 'joined' || state.session.status === 'reconnecting', `session is ${state.session.status}`);
  return state.session;
}

describe('live session state: resume after a dropped link', () => {
  it('a dropped link with a resume token keeps the session as reconnecting, with the end of the grace', () => {
    const s = live(dropped);
    assert.equal(s.status, 'reconnecting');
    assert.equal(s.status === 'reconnecting' && s.graceEndsAt, T + RESUME_GRACE_SECONDS * 1000);
    assert.equal(s.sessionId, 's-1');
    assert.equal(s.code, '123456789');
  });

  it('a second failed try keeps the first grace deadline (the server counts from the first drop)', () => {
    const again = run([{ type: 'connecting', attempt: 2 }, { type: 'link-failed', error: lost, attempt: 2, nextTryAt: T + 900, resumable: true }], dropped);
    assert.equal(again.session, dropped.session);
  });

  it('the resumed joined brings the same session back, with what the agent knew (page, control)', () => {
    const before = run(
      [
        { type: 'page', url: 'https://shop.example/claim', title: 'Claim' },
        { type: 'control', state: 'granted' },
        { type: 'link-failed', error: lost, attempt: 1, nextTryAt: T, resumable: true },
        { type: 'connecting', attempt: 1 },
        { type: 'welcomed', agentAuth: 'token' },
      ],
      joined,
    );
    assert.equal(before.session.status, 'reconnecting', 'still reconnecting until the server answers the resume');
    const after = live(run([{ type: 'joined', sessionId: 's-1', customerOrigin: 'https://shop.example', resumed: true, control: 'revoked' }], before));
    assert.equal(after.status, 'joined');
    assert.equal(after.page?.url, 'https://shop.example/claim');
    assert.equal(after.control, 'revoked', 'the server’s control state wins over the one before the drop');
    assert.equal(after.joinedAt, T + 1, 'the original join time is kept');
  });

  it('ignores a resumed joined for another session, and a fresh joined while reconnecting', () => {
    assert.equal(reduceChannel(dropped, { type: 'joined', sessionId: 's-2', customerOrigin: null, resumed: true, control: null }, T), dropped);
    assert.equal(reduceChannel(dropped, { type: 'joined', sessionId: 's-1', customerOrigin: null, resumed: false, control: null }, T), dropped);
  });

  it('a refused resume ends the session as connection-lost; a passed grace as agent-unreachable', () => {
    assert.deepEqual(run([{ type: 'resume-failed', error: lost }], dropped).session, { status: 'ended', sessionId: 's-1', reason: 'connection-lost', endedAt: T });
    assert.deepEqual(run([{ type: 'resume-expired' }], dropped).session, { status: 'ended', sessionId: 's-1', reason: 'agent-unreachable', endedAt: T });
    assert.equal(reduceChannel(joined, { type: 'resume-expired' }, T), joined, 'only a reconnecting session can expire');
  });

  it('leaving or closing while reconnecting ends the session as agent-left', () => {
    assert.equal(run([{ type: 'left' }], dropped).session.status, 'ended');
    assert.deepEqual(run([{ type: 'closed' }], dropped).session, { status: 'ended', sessionId: 's-1', reason: 'agent-left', endedAt: T });
  });

  it('stopping for good (a refused token on reconnect) ends a reconnecting session', () => {
    const s = run([{ type: 'stopped', error: { code: 'AGENT_TOKEN_INVALID', message: 'x' }, retryable: false }], dropped);
    assert.deepEqual(s.session, { status: 'ended', sessionId: 's-1', reason: 'connection-lost', endedAt: T });
  });

  it('a new join is refused while reconnecting (the agent is still in the session)', () => {
    const reconnected = run([{ type: 'connecting', attempt: 1 }, { type: 'welcomed', agentAuth: 'none' }], dropped);
    assert.equal(reduceChannel(reconnected, { type: 'join-sent', code: '987654321' }, T), reconnected);
  });
});

describe('live session state: what the customer side reports', () => {
  it('customer away with its grace deadline, then back', () => {
    const away = run([{ type: 'customer-away', graceSeconds: 30 }], joined);
    assert.deepEqual(live(away).customer, { status: 'away', graceEndsAt: T + 30_000 });
    assert.deepEqual(live(run([{ type: 'customer-back' }], away)).customer, { status: 'present' });
  });

  it('the current page, with when the agent heard of it', () => {
    const s = run([{ type: 'page', url: 'https://shop.example/', title: 'Home' }, { type: 'page', url: 'https://shop.example/claim', title: 'Claim' }], joined);
    assert.deepEqual(live(s).page, { url: 'https://shop.example/claim', title: 'Claim', since: T + 1 });
  });

  it('control requested → granted → revoked; a new grant clears an old refusal', () => {
    const refusal = { code: 'WRITE_MODE_NOT_GRANTED', message: 'x' };
    const s = run(
      [
        { type: 'control', state: 'requested' },
        { type: 'control', state: 'granted' },
        { type: 'action-refused', actionId: 3, error: refusal },
        { type: 'control', state: 'revoked' },
      ],
      joined,
    );
    assert.equal(live(s).control, 'revoked');
    assert.deepEqual(live(s).lastRefusal, { actionId: 3, error: refusal, at: T + 2 }, 'a revocation keeps the refusal on screen');
    assert.equal(live(run([{ type: 'control', state: 'granted' }], s)).lastRefusal, null);
  });

  it('timing from the lag probes, with when it was measured', () => {
    const s = run([{ type: 'timing', roundTripMs: 42, clockOffsetMs: -1500 }], joined);
    assert.deepEqual(live(s).timing, { roundTripMs: 42, clockOffsetMs: -1500, measuredAt: T });
  });

  it('live reports outside a joined session change nothing', () => {
    for (const event of [
      { type: 'customer-away', graceSeconds: 30 },
      { type: 'page', url: 'https://x.example/', title: 'x' },
      { type: 'control', state: 'granted' },
      { type: 'timing', roundTripMs: 1, clockOffsetMs: 1 },
    ] satisfies ChannelEvent[]) {
      assert.equal(reduceChannel(connected, event, T), connected, event.type);
      assert.equal(reduceChannel(dropped, event, T), dropped, `${event.type} while reconnecting`);
    }
  });
});
