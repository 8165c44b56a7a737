import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCallbackUrl } from '../../../src/auth/callback-url.js';

const CUSTOM = 'com.agentdesk.desktop:/oauth/callback';
const LOOPBACK = 'http://127.0.0.1:49152/oauth/callback';
const accepted = new Set([CUSTOM, LOOPBACK]);

describe('callback URL shape', () => {
  it('reads code, state and iss from a custom-scheme or loopback callback', () => {
    const p = parseCallbackUrl(`${CUSTOM}?code=abc&state=xyz&iss=https%3A%2F%2Fidp.example`, accepted);
    assert.equal(p.redirectBase, CUSTOM);
    assert.deepEqual([p.code, p.state, p.iss, p.error], ['abc', 'xyz', 'https://idp.example', null]);
    assert.equal(parseCallbackUrl(`${LOOPBACK}?code=abc&state=xyz`, accepted).redirectBase, LOOPBACK);
  });

  it('reads an error response', () => {
    const p = parseCallbackUrl(`${CUSTOM}?error=access_denied&error_description=no&state=xyz`, accepted);
    assert.deepEqual([p.error, p.errorDescription, p.code], ['access_denied', 'no', null]);
  });

  it('accepts the extra parameters real providers add (Entra/Keycloak session_state, Google scope/authuser/prompt/hd)', () => {
    assert.equal(parseCallbackUrl(`${CUSTOM}?code=a&state=s&session_state=x`, accepted).code, 'a');
    assert.equal(parseCallbackUrl(`${LOOPBACK}?state=s&code=a&scope=email+openid&authuser=0&hd=acme.example&prompt=consent`, accepted).code, 'a');
  });

  const refused: [string, string][] = [
    ['wrong path', `com.agentdesk.desktop:/oauth/other?code=a&state=s`],
    ['wrong scheme', `com.attacker.app:/oauth/callback?code=a&state=s`],
    ['wrong loopback port', `http://127.0.0.1:1/oauth/callback?code=a&state=s`],
    ['other host', `http://localhost:49152/oauth/callback?code=a&state=s`],
    ['unknown parameter', `${CUSTOM}?code=a&state=s&access_token=t`],
    ['repeated parameter', `${CUSTOM}?code=a&code=b&state=s`],
    ['no state', `${CUSTOM}?code=a`],
    ['empty state', `${CUSTOM}?code=a&state=`],
    ['neither code nor error', `${CUSTOM}?state=s`],
    ['both code and error', `${CUSTOM}?code=a&error=x&state=s`],
    ['fragment', `${CUSTOM}?code=a&state=s#x`],
    ['user info', `http://user:pw@127.0.0.1:49152/oauth/callback?code=a&state=s`],
    ['too long', `${CUSTOM}?code=${'a'.repeat(9000)}&state=s`],
    ['not a URL', 'definitely not a url'],
  ];
  for (const [what, url] of refused) {
    it(`refuses: ${what}`, () => {
      assert.throws(() => parseCallbackUrl(url, accepted), { code: 'CALLBACK_INVALID' });
    });
  }

  it('never puts the parameter values into the error message', () => {
    try {
      parseCallbackUrl(`${CUSTOM}?code=SECRETCODE&state=s&x=SECRETX`, accepted);
      assert.fail('accepted');
    } catch (err) {
      assert.ok(!(err as Error).message.includes('SECRET'));
    }
  });
});
