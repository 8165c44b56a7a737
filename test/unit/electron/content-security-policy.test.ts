import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONTENT_SECURITY_POLICY, parseContentSecurityPolicy } from '../../../src/renderer-bundle/content-security-policy.js';

const header = parseContentSecurityPolicy(CONTENT_SECURITY_POLICY);

function metaPolicy(): Map<string, string[]> {
  const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8');
  const match = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  assert.ok(match, 'renderer/index.html has a CSP <meta>');
  return parseContentSecurityPolicy(match[1]!);
}

describe('the app:// Content Security Policy header', () => {
  it('has the baseline the issue asks for', () => {
    assert.deepEqual(header.get('default-src'), ["'self'"]);
    assert.deepEqual(header.get('script-src'), ["'self'"]);
    assert.deepEqual(header.get('object-src'), ["'none'"]);
    assert.deepEqual(header.get('base-uri'), ["'none'"]);
    assert.deepEqual(header.get('frame-ancestors'), ["'none'"]);
  });

  it('runs only the bundle\'s own scripts: no inline script, eval, remote script, plugin or base change', () => {
    for (const name of ['default-src', 'script-src', 'connect-src']) assert.deepEqual(header.get(name), ["'self'"], name);
    for (const name of ['object-src', 'base-uri', 'form-action', 'frame-ancestors']) assert.deepEqual(header.get(name), ["'none'"], name);
    assert.equal(header.has('script-src-elem') || header.has('script-src-attr'), false);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval|wasm-unsafe-eval|unsafe-hashes|strict-dynamic/);
  });

  it('gives the mirrored customer page inline styles and remote images and fonts, nothing more', () => {
    assert.deepEqual(header.get('style-src'), ["'self'", "'unsafe-inline'"]);
    assert.deepEqual(header.get('img-src'), ["'self'", 'data:', 'blob:', 'http:', 'https:']);
    assert.deepEqual(header.get('font-src'), ["'self'", 'data:', 'http:', 'https:']);
  });

  it('is the renderer <meta> policy plus frame-ancestors: it restricts all the <meta> does, allows nothing more', () => {
    const meta = metaPolicy();
    assert.deepEqual([...header.keys()].filter((name) => !meta.has(name)), ['frame-ancestors']);
    for (const [name, metaSources] of meta) {
      const sources = header.get(name);
      assert.ok(sources, `the header lacks ${name}`);
      for (const source of sources) assert.ok(metaSources.includes(source), `${name} ${source} is wider than renderer/index.html`);
    }
  });

  it('parses like a browser: case-insensitive names, the first of a repeated directive wins', () => {
    const parsed = parseContentSecurityPolicy("Script-Src 'self';  script-src *; ;img-src 'self' data:");
    assert.deepEqual(parsed.get('script-src'), ["'self'"]);
    assert.deepEqual(parsed.get('img-src'), ["'self'", 'data:']);
  });
});
