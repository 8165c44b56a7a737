import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { callbackBases, findCallbackUrl } from '../../../src/app/deep-link.js';

const BASES = callbackBases(['com.agentdesk.desktop:/oauth/callback']);
const GOOD = 'com.agentdesk.desktop:/oauth/callback?code=abc&state=xyz';

describe('findCallbackUrl', () => {
  it('finds the callback among arguments in any order', () => {
    assert.equal(findCallbackUrl(['/usr/bin/agentdesk', '--no-sandbox', GOOD], BASES), GOOD);
    assert.equal(findCallbackUrl([GOOD, '--flag'], BASES), GOOD);
  });

  it('ignores everything that is not wholly one of our callback URLs', () => {
    const refused = [
      `--host-rules=${GOOD}`,
      `"${GOOD}"`,
      `${GOOD} --gpu-launcher=calc`,
      'com.agentdesk.desktop:/other/path?code=1',
      'com.evil.app:/oauth/callback?code=1',
      'https://example.com/oauth/callback?code=1',
      'file:///oauth/callback',
      `com.agentdesk.desktop:/oauth/callback?code=${'a'.repeat(9000)}`,
    ];
    for (const arg of refused) assert.equal(findCallbackUrl(['agentdesk', arg], BASES), null, arg);
  });

  it('never throws, and only ever returns one of its own arguments with our exact scheme and path (fuzzed)', () => {
    const arg = fc.oneof(
      fc.string(),
      fc.string().map((s) => `com.agentdesk.desktop:${s}`),
      fc.string().map((s) => `com.agentdesk.desktop:/oauth/callback${s}`),
      fc.string().map((s) => `--${s}=com.agentdesk.desktop:/oauth/callback`),
      fc.webUrl(),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(arg, fc.anything()), { maxLength: 8 }), (argv) => {
        const found = findCallbackUrl(argv, BASES);
        if (found === null) return true;
        assert.ok(argv.includes(found));
        const url = new URL(found);
        assert.equal(url.protocol, 'com.agentdesk.desktop:');
        assert.equal(url.pathname, '/oauth/callback');
        assert.equal(url.hash, '');
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
