import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONTENT_SECURITY_POLICY, parseContentSecurityPolicy } from '../../../src/electron/content-security-policy.js';

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

  it('allows no inline script, eval or remote source anywhere', () => {
    for (const [name, sources] of header) {
      for (const source of sources) {
        assert.ok(["'self'", "'none'"].includes(source), `${name} allows ${source}`);
      }
    }
  });

  it('restricts everything the renderer <meta> policy restricts, and never allows more', () => {
    for (const [name, metaSources] of metaPolicy()) {
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
