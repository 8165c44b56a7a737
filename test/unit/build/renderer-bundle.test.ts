import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';

// Builds the agent UI exactly as `npm run build:renderer` does (into a temp dir) and checks what
// Electron's app:// protocol and the browser shell will serve under a strict CSP.
describe('renderer bundle (vite build)', () => {
  const root = new URL('../../../', import.meta.url).pathname;
  let out = '';
  let html = '';
  let files: string[] = [];

  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'agentdesk-renderer-'));
    await build({ root: join(root, 'renderer'), configFile: join(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
    html = readFileSync(join(out, 'index.html'), 'utf8');
    files = readdirSync(out, { recursive: true, encoding: 'utf8' });
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('emits index.html with its script and styles as files', () => {
    assert.ok(files.some((f) => /^assets\/.*\.js$/.test(f)), files.join(', '));
    assert.ok(files.some((f) => /^assets\/.*\.css$/.test(f)), files.join(', '));
    assert.ok(files.includes('icon.svg'));
  });

  it('has no inline script or style (they would break under the CSP)', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length >= 1);
    for (const [, attrs, body] of scripts) {
      assert.match(attrs ?? '', /\bsrc="/, 'every script is a file');
      assert.equal((body ?? '').trim(), '', 'and has no inline body');
    }
    assert.doesNotMatch(html, /<style\b/);
    assert.doesNotMatch(html, /\son[a-z]+="/i, 'no inline event handlers');
  });

  it('refers to its assets by relative URLs (served from app:// and from http://127.0.0.1)', () => {
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    assert.ok(refs.length >= 3);
    for (const ref of refs) assert.ok(ref.startsWith('./'), ref);
  });

  it('carries a strict Content-Security-Policy', () => {
    const csp = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name ?? '', values]));
    assert.deepEqual(directives.get('default-src'), ["'self'"]);
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
    assert.ok(!csp.includes('unsafe-eval'), csp);
    // The mirrored customer page (an about:blank iframe inheriting this policy) is rebuilt by rrweb
    // with <style> elements and style attributes: inline styles only, never inline script.
    assert.deepEqual(directives.get('style-src'), ["'self'", "'unsafe-inline'"]);
  });

  it('loads no code from another origin', () => {
    for (const f of files.filter((name) => name.endsWith('.js'))) {
      const js = readFileSync(join(out, f), 'utf8');
      assert.doesNotMatch(js, /import\(\s*["']https?:/, `${f} imports from the network`);
    }
  });
});
