import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logSafeText, redactUrl } from '../../../src/auth/redact.js';

describe('log redaction', () => {
  it('keeps where a URL points and which parameters it had, never their values', () => {
    assert.equal(redactUrl('com.agentdesk.desktop:/oauth/callback?code=SECRET&state=S2'), 'com.agentdesk.desktop:/oauth/callback?code=…&state=…');
    assert.equal(redactUrl('http://127.0.0.1:5000/oauth/callback?code=SECRET'), 'http://127.0.0.1:5000/oauth/callback?code=…');
    assert.equal(redactUrl('https://idp.example/auth'), 'https://idp.example/auth');
    assert.equal(redactUrl('%%%'), '<unparseable URL>');
  });

  it('shortens untrusted text and strips control characters (no forged log lines)', () => {
    assert.equal(logSafeText('a\nb\u0000c'), 'a b c');
    assert.equal(logSafeText('x'.repeat(500)).length, 200);
  });
});
