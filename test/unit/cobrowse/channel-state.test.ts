import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_CHANNEL_STATE, reduceChannel, type ChannelEvent, type ChannelState } from '../../../src/cobrowse/channel-state.js';

const lost = { code: 'COBROWSE_CONNECTION_LOST', message: 'lost' };
const T = 1_000_000;

function run(events: readonly ChannelEvent[], from: ChannelState = INITIAL_CHANNEL_STATE): ChannelState {
  return events.reduce((state, event, i) => reduceChannel(state, event, T + i), from);
}

const connected = run([{ type: 'connecting', attempt: 1 }, { type: 'welcomed', agentAuth: 'token' }]);
const joined = run([{ type: 'join-sent', code: '123456789' }, { type: 'joined', sessionId: 's-1', customerOrigin: 'https://shop.example', resumed: false, control: null }], connected);

describe('co-browse channel state transitions', () => {
  it('starts idle with no session', () => {
    assert.deepEqual(INITIAL_CHANNEL_STATE, { connection: { status: 'idle' }, session: { status: 'none' } });
  });

  it('goes connecting → connected with how the agent was admitted', () => {
    assert.deepEqual(run([{ type: 'connecting', attempt: 1 }]).connection, { status: 'connecting', attempt: 1 });
    assert.deepEqual(connected.connection, { status: 'connected', agentAuth: 'token' });
  });

  it('shows the attempt number, next try time and reason while reconnecting', () => {
    const s = run([{ type: 'link-failed', error: lost, attempt: 3, nextTryAt: T + 4000, resumable: false }], connected);
    assert.deepEqual(s.connection, { status: 'reconnecting', attempt: 3, nextTryAt: T + 4000, lastError: lost });
  });

  it('joins: joining → joined with the code, origin and time', () => {
    assert.deepEqual(run([{ type: 'join-sent', code: '123456789' }], connected).session, { status: 'joining', code: '123456789' });
    assert.deepEqual(joined.session, {
      status: 'joined',
      sessionId: 's-1',
      code: '123456789',
      customerOrigin: 'https://shop.example',
      assetOrigins: [],
      joinedAt: T + 1,
      control: 'none',
      customer: { status: 'present' },
      page: null,
      timing: null,
      lastRefusal: null,
    });
  });

  it('does not join while not connected, or twice', () => {
    const notConnected = run([{ type: 'join-sent', code: '123456789' }]);
    assert.deepEqual(notConnected.session, { status: 'none' });
    assert.equal(reduceChannel(joined, { type: 'join-sent', code: '987654321' }, T), joined);
  });

  it('keeps a refused join with the server reason, and lets the agent try another code', () => {
    const refused = { code: 'SESSION_CODE_UNKNOWN', message: 'No co-browse session has this code.' };
    const s = run([{ type: 'join-sent', code: '111111111' }, { type: 'join-refused', error: refused }], connected);
    assert.deepEqual(s.session, { status: 'join-failed', code: '111111111', error: refused });
    assert.deepEqual(run([{ type: 'join-sent', code: '222222222' }], s).session, { status: 'joining', code: '222222222' });
  });

  it('ends the session when the server ends it, with its reason', () => {
    const s = run([{ type: 'session-ended', sessionId: 's-1', reason: 'customer-left' }], joined);
    assert.deepEqual(s.session, { status: 'ended', sessionId: 's-1', reason: 'customer-left', endedAt: T });
  });

  it('ignores the end of a session it is not in', () => {
    assert.equal(reduceChannel(joined, { type: 'session-ended', sessionId: 'other', reason: 'expired' }, T), joined);
    assert.equal(reduceChannel(connected, { type: 'joined', sessionId: 's-9', customerOrigin: null, resumed: false, control: null }, T), connected);
  });

  it('ends a joined session as connection-lost when the link breaks and it cannot be resumed', () => {
    const s = run([{ type: 'link-failed', error: lost, attempt: 1, nextTryAt: T + 100, resumable: false }], joined);
    assert.equal(s.connection.status, 'reconnecting');
    assert.deepEqual(s.session, { status: 'ended', sessionId: 's-1', reason: 'connection-lost', endedAt: T });
  });

  it('fails a pending join when the link breaks', () => {
    const joining = run([{ type: 'join-sent', code: '123456789' }], connected);
    const s = run([{ type: 'link-failed', error: lost, attempt: 1, nextTryAt: T, resumable: false }], joining);
    assert.deepEqual(s.session, { status: 'join-failed', code: '123456789', error: lost });
  });

  it('stops in failed, saying whether retrying can help', () => {
    const invalid = { code: 'AGENT_TOKEN_INVALID', message: 'no' };
    const s = run([{ type: 'stopped', error: invalid, retryable: false }], joined);
    assert.deepEqual(s.connection, { status: 'failed', error: invalid, retryable: false });
    assert.equal(s.session.status, 'ended');
  });

  it('leaving ends the session as agent-left; closing returns to idle', () => {
    assert.deepEqual(run([{ type: 'left' }], joined).session, { status: 'ended', sessionId: 's-1', reason: 'agent-left', endedAt: T });
    const closed = run([{ type: 'closed' }], joined);
    assert.deepEqual(closed.connection, { status: 'idle' });
    assert.equal(closed.session.status, 'ended');
    assert.deepEqual(run([{ type: 'join-sent', code: '123456789' }, { type: 'closed' }], connected).session, { status: 'none' });
  });

  it('reconnects after a failure, keeping the ended session on screen', () => {
    const s = run(
      [
        { type: 'link-failed', error: lost, attempt: 1, nextTryAt: T, resumable: false },
        { type: 'connecting', attempt: 1 },
        { type: 'welcomed', agentAuth: 'none' },
      ],
      joined,
    );
    assert.deepEqual(s.connection, { status: 'connected', agentAuth: 'none' });
    assert.equal(s.session.status, 'ended');
  });
});
