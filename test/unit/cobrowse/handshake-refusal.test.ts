import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRefusal, parseRetryAfter } from '../../../src/cobrowse/handshake-refusal.js';
import { ERROR_MESSAGES } from '../../../common/errors.js';

const now = Date.parse('2026-01-01T00:00:00Z');
const json = 'application/json; charset=utf-8';

function refusal(status: number, body: unknown, extra: { retryAfter?: string; contentType?: string } = {}) {
  return classifyRefusal({ status, body: typeof body === 'string' ? body : JSON.stringify(body), contentType: extra.contentType ?? json, retryAfter: extra.retryAfter, now });
}

describe('classifying a refused agent handshake', () => {
  it('stops for good on a wrong agent token, with the server code', () => {
    const r = refusal(401, { code: 'AGENT_TOKEN_INVALID', message: 'refused' });
    assert.equal(r.action, 'terminal');
    assert.equal(r.error.code, 'AGENT_TOKEN_INVALID');
    assert.equal(r.status, 401);
  });

  it('stops for good when the policy requires a token the server does not have', () => {
    const r = refusal(503, { code: 'AGENT_TOKEN_REQUIRED', message: 'required' });
    assert.equal(r.action, 'terminal');
    assert.equal(r.error.code, 'AGENT_TOKEN_REQUIRED');
  });

  it('shows the documented message for codes the desktop knows, the server message otherwise', () => {
    const known = refusal(401, { code: 'AGENT_TOKEN_INVALID', message: 'whatever the server says' });
    assert.equal(known.error.message, ERROR_MESSAGES.AGENT_TOKEN_INVALID);
    const unknown = refusal(403, { code: 'SOMETHING_NEW', message: 'A newer server says no.' });
    assert.deepEqual(unknown.error, { code: 'SOMETHING_NEW', message: 'A newer server says no.' });
  });

  it('retries identity refusals a little (the access token is refreshed first)', () => {
    for (const code of ['AGENT_IDENTITY_EXPIRED', 'AGENT_IDENTITY_INVALID', 'AGENT_IDENTITY_MISSING', 'AGENT_IDENTITY_WRONG_AUDIENCE']) {
      assert.equal(refusal(401, { code, message: 'x' }).action, 'identity', code);
    }
    assert.equal(refusal(401, '', { contentType: 'text/plain' }).action, 'identity');
  });

  it('backs off on lock-out, overload and shutdown, honouring Retry-After', () => {
    const locked = refusal(429, { code: 'AGENT_AUTH_LOCKED_OUT', message: 'x' }, { retryAfter: '120' });
    assert.equal(locked.action, 'retry');
    assert.equal(locked.retryAfterMs, 120_000);
    assert.equal(locked.error.code, 'AGENT_AUTH_LOCKED_OUT');
    const down = refusal(503, { code: 'SERVER_SHUTTING_DOWN', message: 'x' });
    assert.equal(down.action, 'retry');
    assert.equal(down.retryAfterMs, null);
    const proxy = refusal(502, '<html>Bad gateway</html>', { contentType: 'text/html' });
    assert.equal(proxy.action, 'retry');
    assert.equal(proxy.error.code, 'COBROWSE_UNREACHABLE');
  });

  it('stops on a wrong URL or an unexpected answer instead of hammering it', () => {
    const notFound = refusal(404, '<h1>Not found</h1>', { contentType: 'text/html' });
    assert.equal(notFound.action, 'terminal');
    assert.equal(notFound.error.code, 'COBROWSE_REFUSED');
    assert.equal(notFound.error.message, ERROR_MESSAGES.COBROWSE_REFUSED);
    assert.equal(refusal(302, '').action, 'terminal');
  });

  it('ignores bodies that are not a {code, message} object', () => {
    for (const body of ['{', '[]', '{"code":"lower case","message":"x"}', JSON.stringify({ code: 'X', message: 'm'.repeat(501) })]) {
      const r = refusal(401, body);
      assert.equal(r.error.code, 'COBROWSE_REFUSED', body.slice(0, 30));
    }
    // A JSON body under another content type is not trusted as one.
    assert.equal(refusal(401, { code: 'AGENT_TOKEN_INVALID', message: 'x' }, { contentType: 'text/plain' }).action, 'identity');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('5', now), 5000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter(new Date(now + 90_000).toUTCString(), now), 90_000);
    assert.equal(parseRetryAfter(new Date(now - 90_000).toUTCString(), now), 0);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter('-5', now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
  });
});
