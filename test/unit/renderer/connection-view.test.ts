import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeConnection, describeSessionEnd, formatSessionCode } from '../../../renderer/connection-view.js';
import { ERROR_MESSAGES } from '../../../common/errors.js';

const T = 1_700_000_000_000;
const ISSUE_TEXT =
  "Co-browse agent authentication failed: this desktop's agent token does not match the co-browse server's. Ask your administrator for the current token.";

describe('connection state in words', () => {
  it('connecting, with the attempt number after the first', () => {
    assert.equal(describeConnection({ status: 'connecting', attempt: 1 }, T).title, 'Connecting to the co-browse server…');
    assert.equal(describeConnection({ status: 'connecting', attempt: 4 }, T).title, 'Connecting to the co-browse server (attempt 4)…');
  });

  it('connected, saying how the agent was admitted', () => {
    const token = describeConnection({ status: 'connected', agentAuth: 'token' }, T);
    assert.equal(token.tone, 'ok');
    assert.equal(token.detail, 'Admitted with this desktop’s agent token.');
    const none = describeConnection({ status: 'connected', agentAuth: 'none' }, T);
    assert.equal(none.detail, 'Admitted without agent authentication: the server has no agent token configured.');
    assert.equal(none.canRetry, false);
  });

  it('reconnecting: attempt N, next try in S s, and why', () => {
    const v = describeConnection(
      { status: 'reconnecting', attempt: 3, nextTryAt: T + 4_200, lastError: { code: 'COBROWSE_CONNECTION_LOST', message: 'ignored' } },
      T,
    );
    assert.equal(v.title, 'Reconnecting (attempt 3, next try in 5 s)');
    assert.equal(v.detail, ERROR_MESSAGES.COBROWSE_CONNECTION_LOST);
    assert.equal(v.tone, 'warning');
    assert.equal(v.canRetry, true, 'Retry skips the wait');
    assert.equal(v.announcement, 'Connection lost. Reconnecting, attempt 3.', 'screen readers are not told every second');
    const due = describeConnection({ status: 'reconnecting', attempt: 3, nextTryAt: T - 1, lastError: { code: 'COBROWSE_UNREACHABLE', message: '' } }, T);
    assert.equal(due.title, 'Reconnecting (attempt 3, trying now)');
    assert.equal(due.canRetry, false);
  });

  it('failed on a refused agent token: the exact words from the issue, and what to do', () => {
    const v = describeConnection({ status: 'failed', error: { code: 'AGENT_TOKEN_INVALID', message: 'from the server' }, retryable: false }, T);
    assert.equal(v.tone, 'error');
    assert.ok(v.detail.startsWith(ISSUE_TEXT), v.detail);
    assert.match(v.detail, /Settings → Agent token/);
    assert.ok(v.announcement.includes(ISSUE_TEXT));
    assert.equal(v.canRetry, true);
  });

  it('failed for a reason the desktop does not know: the server’s own words', () => {
    const v = describeConnection({ status: 'failed', error: { code: 'NEW_SERVER_CODE', message: 'The server is in maintenance until 14:00.' }, retryable: true }, T);
    assert.equal(v.detail, 'The server is in maintenance until 14:00.');
  });

  it('failed on a wrong URL points at the server setting', () => {
    const v = describeConnection({ status: 'failed', error: { code: 'HTTP_NOT_FOUND', message: '' }, retryable: false }, T);
    assert.equal(v.detail, `${ERROR_MESSAGES.HTTP_NOT_FOUND} Check the co-browse server URL in Settings, then press Retry.`);
  });

  it('idle offers no retry', () => {
    assert.deepEqual(describeConnection({ status: 'idle' }, T), {
      tone: 'neutral',
      title: 'Not connected to the co-browse server',
      detail: '',
      canRetry: false,
      announcement: 'Not connected to the co-browse server',
    });
  });
});

describe('session words', () => {
  it('explains every end reason', () => {
    assert.equal(describeSessionEnd('customer-left'), 'The customer ended the session.');
    assert.equal(describeSessionEnd('connection-lost'), 'The session ended because the connection to the co-browse server was lost.');
    for (const reason of ['agent-left', 'expired', 'token-rotated', 'server-shutdown'] as const) assert.ok(describeSessionEnd(reason).length > 10);
  });

  it('groups codes as they are read out', () => {
    assert.equal(formatSessionCode('123456789'), '123 456 789');
    assert.equal(formatSessionCode('12345'), '12345');
  });
});
