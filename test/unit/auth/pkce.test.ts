import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPkcePair, PKCE_VERIFIER_PATTERN, s256Challenge } from '../../../src/auth/pkce.js';

describe('PKCE (S256)', () => {
  it('matches the RFC 7636 appendix B example', async () => {
    // The appendix's 32 random octets, base64url-encoded, are the verifier.
    const octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
    const verifier = Buffer.from(octets).toString('base64url');
    assert.equal(verifier, 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
    assert.equal(await s256Challenge(verifier), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a fresh 43-128 character unreserved verifier per attempt, with its own challenge', async () => {
    const pairs = await Promise.all(Array.from({ length: 50 }, () => createPkcePair()));
    for (const pair of pairs) {
      assert.match(pair.verifier, PKCE_VERIFIER_PATTERN);
      assert.equal(pair.challenge, await s256Challenge(pair.verifier));
      assert.match(pair.challenge, /^[A-Za-z0-9_-]{43}$/);
    }
    assert.equal(new Set(pairs.map((p) => p.verifier)).size, pairs.length, 'no verifier repeats');
  });

  it('accepts exactly the RFC 7636 §4.1 verifier alphabet and lengths', () => {
    assert.ok(PKCE_VERIFIER_PATTERN.test('a'.repeat(43)));
    assert.ok(PKCE_VERIFIER_PATTERN.test('A-._~'.repeat(25) + 'abc'));
    assert.ok(!PKCE_VERIFIER_PATTERN.test('a'.repeat(42)));
    assert.ok(!PKCE_VERIFIER_PATTERN.test('a'.repeat(129)));
    assert.ok(!PKCE_VERIFIER_PATTERN.test(`${'a'.repeat(42)}+`));
  });
});
