import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_START_URL, createAppProtocolHandler, isAppUrl, resolveAppUrl } from '../../../src/electron/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../../src/renderer-bundle/content-security-policy.js';

describe('resolveAppUrl', () => {
  it('maps the start page and assets under the bundle', () => {
    assert.deepEqual(resolveAppUrl(APP_START_URL), { ok: true, relativePath: 'index.html' });
    assert.deepEqual(resolveAppUrl('app://agentdesk/'), { ok: true, relativePath: 'index.html' });
    assert.deepEqual(resolveAppUrl('app://agentdesk/assets/index-abc.js?v=1'), { ok: true, relativePath: 'assets/index-abc.js' });
    assert.deepEqual(resolveAppUrl('app://agentdesk/assets/my%20icon.svg'), { ok: true, relativePath: 'assets/my icon.svg' });
  });

  it('refuses other hosts, schemes and user info', () => {
    for (const url of ['app://evil/index.html', 'app://agentdesk.evil/index.html', 'file:///etc/passwd', 'https://agentdesk/index.html', 'app://user@agentdesk/index.html']) {
      const target = resolveAppUrl(url);
      assert.equal(target.ok, false, url);
      if (!target.ok) assert.equal(target.status, 404, url);
    }
  });

  it('refuses encoded traversal: %2e%2e, %2f, %5c and NUL', () => {
    for (const url of [
      'app://agentdesk/..%2f..%2fetc%2fpasswd',
      'app://agentdesk/assets/..%5c..%5cwindows%5cwin.ini',
      'app://agentdesk/%2e%2e%2fsecret',
      'app://agentdesk/index.html%00.js',
      'app://agentdesk/C:%5cWindows',
      'app://agentdesk/%E0%A4%A',
    ]) {
      const target = resolveAppUrl(url);
      assert.equal(target.ok, false, url);
      if (!target.ok) assert.equal(target.status, 400, url);
    }
  });

  it('keeps plain ../ inside the bundle (URL parsing folds it at the root)', () => {
    assert.deepEqual(resolveAppUrl('app://agentdesk/../../etc/passwd'), { ok: true, relativePath: 'etc/passwd' });
    assert.deepEqual(resolveAppUrl('app://agentdesk/assets/%2e%2e/index.html'), { ok: true, relativePath: 'index.html' });
  });

  it('answers only GET and HEAD', () => {
    assert.deepEqual(resolveAppUrl(APP_START_URL, 'POST'), { ok: false, status: 405, reason: 'method not allowed' });
    assert.equal(resolveAppUrl(APP_START_URL, 'HEAD').ok, true);
  });

  it('isAppUrl compares scheme and host, not the opaque origin Node gives app://', () => {
    assert.equal(isAppUrl('app://agentdesk/index.html'), true);
    assert.equal(isAppUrl('app://AgentDesk/index.html'), false);
    assert.equal(isAppUrl('app://other/index.html'), false);
    assert.equal(isAppUrl('not a url'), false);
  });
});

describe('createAppProtocolHandler (real files)', () => {
  let dir: string;
  let bundle: string;
  let handler: (request: Request) => Promise<Response>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentdesk-app-protocol-'));
    bundle = join(dir, 'renderer');
    mkdirSync(join(bundle, 'assets'), { recursive: true });
    writeFileSync(join(bundle, 'index.html'), '<!doctype html><title>AgentDesk</title>');
    writeFileSync(join(bundle, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside the bundle');
    symlinkSync(join(dir, 'secret.txt'), join(bundle, 'assets', 'link.txt'));
    handler = createAppProtocolHandler(bundle);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the start page with the CSP header and nosniff', async () => {
    const response = await handler(new Request(APP_START_URL));
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '<!doctype html><title>AgentDesk</title>');
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  });

  it('serves scripts as JavaScript, and HEAD without a body', async () => {
    const js = await handler(new Request('app://agentdesk/assets/app.js'));
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const head = await handler(new Request('app://agentdesk/assets/app.js', { method: 'HEAD' }));
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '14');
    assert.equal(await head.text(), '');
  });

  it('answers 404 for a missing file, a folder and a symlink leaving the bundle', async () => {
    for (const url of ['app://agentdesk/nope.js', 'app://agentdesk/assets', 'app://agentdesk/assets/link.txt', 'app://agentdesk/../secret.txt']) {
      const response = await handler(new Request(url));
      assert.equal(response.status, 404, url);
      assert.doesNotMatch(await response.text(), /outside the bundle/);
    }
  });

  it('answers 400 for encoded traversal and 404 for an unknown host, each with the CSP', async () => {
    const traversal = await handler(new Request('app://agentdesk/..%2fsecret.txt'));
    assert.equal(traversal.status, 400);
    assert.doesNotMatch(await traversal.text(), /outside the bundle/);
    const host = await handler(new Request('app://evil/index.html'));
    assert.equal(host.status, 404);
    assert.equal(host.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  });

  it('says what to do when the bundle was never built', async () => {
    const missing = createAppProtocolHandler(join(dir, 'not-built'));
    const response = await missing(new Request(APP_START_URL));
    assert.equal(response.status, 404);
    assert.match(await response.text(), /npm run build:renderer/);
  });
});
