// Both shells serve the renderer bundle through src/renderer-bundle/bundle-files.ts: the same
// files, the same refusals (a symbolic link out of the bundle, encoded traversal, an unknown kind
// of file) and the same security headers, whether over app:// or the browser shell's server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNED_OUT_STATE } from '../../support/app-state.js';
import type { DesktopApp } from '../../../src/app/desktop-app-types.js';
import { createAppProtocolHandler } from '../../../src/electron/app-protocol.js';
import { startHostServer, type HostServer } from '../../../src/host/host-server.js';

const app: DesktopApp = {
  start: async () => {},
  dispatch: async () => ({ ok: true, value: null }),
  state: () => SIGNED_OUT_STATE,
  onState: () => () => {},
  onPageFrame: () => () => {},
  handleArgv: async () => false,
  handleOpenUrl: async () => false,
  dispose: async () => {},
};

/** A GET that keeps the path as written (fetch would normalise it). */
function get(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const SECURITY_HEADERS = ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'cache-control'];

describe('the renderer bundle, served by both shells', () => {
  let dir: string;
  let bundle: string;
  let host: HostServer;
  const electron = (path: string) => createAppProtocolHandler(bundle)(new Request(`app://agentdesk${path}`));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agentdesk-bundle-'));
    bundle = join(dir, 'renderer');
    mkdirSync(join(bundle, 'assets'), { recursive: true });
    writeFileSync(join(bundle, 'index.html'), '<!doctype html><title>AgentDesk</title>');
    writeFileSync(join(bundle, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(bundle, 'assets', 'notes.bin'), 'not a renderer file');
    writeFileSync(join(dir, 'secret.js'), 'outside the bundle');
    symlinkSync(join(dir, 'secret.js'), join(bundle, 'assets', 'link.js'));
    host = await startHostServer({ app, rendererDir: bundle, key: 'a-launch-key-for-the-bundle-test', logger: { debug() {}, info() {}, warn() {}, error() {} } });
  });
  after(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serve the page and its assets with the same type and security headers', async () => {
    for (const path of ['/', '/assets/app.js']) {
      const fromElectron = await electron(path);
      const fromHost = await get(`${host.origin}${path}`);
      assert.equal(fromElectron.status, 200, path);
      assert.equal(fromHost.status, 200, path);
      assert.equal(fromHost.headers['content-type'], fromElectron.headers.get('content-type'), path);
      for (const name of SECURITY_HEADERS) assert.equal(fromHost.headers[name], fromElectron.headers.get(name) ?? undefined, `${path} ${name}`);
    }
  });

  it('refuse a symbolic link that leaves the bundle, and a kind of file the bundle never holds', async () => {
    for (const path of ['/assets/link.js', '/assets/notes.bin']) {
      const fromElectron = await electron(path);
      const fromHost = await get(`${host.origin}${path}`);
      assert.equal(fromElectron.status, 404, path);
      assert.equal(fromHost.status, 404, path);
      assert.doesNotMatch(await fromElectron.text(), /outside the bundle|not a renderer file/);
      assert.doesNotMatch(fromHost.body, /outside the bundle|not a renderer file/);
    }
  });

  it('refuse encoded traversal (app:// says 400, the local server a plain 404), with the policy header', async () => {
    const fromElectron = await electron('/assets/..%2f..%2fsecret.js');
    const fromHost = await get(`${host.origin}/assets/..%2f..%2fsecret.js`);
    assert.equal(fromElectron.status, 400);
    assert.equal(fromHost.status, 404);
    assert.equal(fromHost.headers['content-security-policy'], fromElectron.headers.get('content-security-policy'));
    assert.doesNotMatch(fromHost.body, /outside the bundle/);
  });
});
