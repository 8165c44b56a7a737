// scripts/smoke-packaged-app.ts as far as it can run without the Electron binary: the paths of
// the unpacked builds, the skip and --require behaviour without a build, the Linux sandbox check,
// and the launch → debugging port → CDP → page checks against a real Chromium standing in for the
// packaged executable (it gets the same --remote-debugging-port argument the app gets).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium.js';
import { linuxSandboxProblem, smokePackagedApp, unpackedExecutable } from '../../../scripts/smoke-packaged-app.js';
import { REPO_ROOT } from '../server/helpers/server-process.js';

const SCRIPT = join(REPO_ROOT, 'scripts/smoke-packaged-app.ts');
const isRoot = process.getuid?.() === 0;

describe('packaged-app smoke test (scripts/smoke-packaged-app.ts)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'agentdesk-smoke-test-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('looks for the unpacked build electron-builder leaves on each OS', () => {
    assert.equal(unpackedExecutable('/out', 'linux', 'x64'), '/out/linux-unpacked/agentdesk');
    assert.equal(unpackedExecutable('/out', 'linux', 'arm64'), '/out/linux-arm64-unpacked/agentdesk');
    assert.equal(unpackedExecutable('/out', 'win32', 'x64'), join('/out', 'win-unpacked', 'AgentDesk.exe'));
    assert.equal(unpackedExecutable('/out', 'darwin', 'arm64'), '/out/mac-arm64/AgentDesk.app/Contents/MacOS/AgentDesk');
    assert.equal(unpackedExecutable('/out', 'darwin', 'x64'), '/out/mac/AgentDesk.app/Contents/MacOS/AgentDesk');
  });

  it('says it is skipped without a build, and fails with --require', () => {
    const empty = join(dir, 'no-installers');
    const run = (extra: string[]) => spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--installers', empty, ...extra], { cwd: REPO_ROOT, encoding: 'utf8' });
    const skipped = run([]);
    assert.equal(skipped.status, 0);
    assert.match(skipped.stdout, /packaged-app smoke test skipped: .*does not exist \(npm run dist builds it/);
    const required = run(['--require']);
    assert.equal(required.status, 1);
    assert.match(required.stderr, /packaged-app smoke test failed: /);
  });

  it('refuses a Linux build whose chrome-sandbox is not setuid root', { skip: process.platform !== 'linux' || !isRoot ? 'needs Linux and root to make a setuid file' : false }, () => {
    const app = join(dir, 'linux-unpacked');
    spawnSync('mkdir', ['-p', app]);
    const helper = join(app, 'chrome-sandbox');
    writeFileSync(helper, '');
    chownSync(helper, 0, 0);
    chmodSync(helper, 0o755);
    assert.match(linuxSandboxProblem(join(app, 'agentdesk')) ?? '', /must be owned by root with the setuid bit/);
    chmodSync(helper, 0o4755);
    assert.equal(linuxSandboxProblem(join(app, 'agentdesk')), null);
    chownSync(helper, 1000, 1000);
    chmodSync(helper, 0o4755);
    assert.notEqual(linuxSandboxProblem(join(app, 'agentdesk')), null);
  });

  /** A stand-in executable: Chromium showing `page`, taking the smoke test's arguments. */
  function standIn(name: string, page: string): string {
    const file = join(dir, name);
    const profile = join(dir, `${name}-profile`);
    writeFileSync(file, `#!/bin/sh\nexec "${CHROMIUM_PATH}" --headless ${CHROMIUM_ARGS.join(' ')} --user-data-dir="${profile}" "$@" '${page}'\n`);
    chmodSync(file, 0o755);
    return file;
  }

  const withBridge = 'data:text/html,<title>stand-in</title><script>window.agentdesk={join(){},signIn(){}}</script>';
  const chromiumSkip = process.platform !== 'linux' ? 'the stand-in is a POSIX shell script around Chromium' : false;

  it('connects over CDP to the launched executable and reads window.agentdesk from the start page', { skip: chromiumSkip }, async () => {
    const result = await smokePackagedApp(standIn('with-bridge', withBridge), { startUrl: withBridge, timeoutMs: 20_000 });
    assert.deepEqual(result, { url: withBridge, api: ['join', 'signIn'] });
  });

  it('fails when the page has no window.agentdesk, or no window shows the start page', { skip: chromiumSkip }, async () => {
    const bare = 'data:text/html,<title>no preload</title>';
    await assert.rejects(smokePackagedApp(standIn('bare', bare), { startUrl: bare, timeoutMs: 20_000 }), /window\.agentdesk is absent: the preload did not run/);
    await assert.rejects(smokePackagedApp(standIn('elsewhere', bare), { timeoutMs: 3_000 }), /no window shows app:\/\/agentdesk\/index\.html; pages: data:text\/html/);
  });
});
