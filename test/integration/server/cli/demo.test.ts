import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, filesContaining, runCli, tempServerDir } from '../helpers/server-process.js';

interface DemoRun {
  readonly lines: string[];
  readonly url: string;
  stop(): Promise<number | null>;
}

/** Starts `scripts/demo.ts` (what npm start runs) and waits for its token line. */
function startDemo(demoDir: string): Promise<DemoRun> {
  const args = ['--import', 'tsx', 'scripts/demo.ts', '--port', '0', '--idp-port', '0', '--desktop-port', '0', '--site-port', '0', '--no-open', '--demo-dir', demoDir];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`demo did not start: ${stderr}`)), 45_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      lines.push(...d.split('\n').filter(Boolean));
      const urlLine = lines.find((l) => l.startsWith('Co-browse server: '));
      if (urlLine && lines.some((l) => l.startsWith('Server log:'))) {
        clearTimeout(timer);
        done({
          lines,
          url: urlLine.slice('Co-browse server: '.length),
          stop: async () => {
            child.kill('SIGINT');
            return exited;
          },
        });
      }
    });
  });
}

describe('npm start (scripts/demo.ts)', () => {
  let tmp: ReturnType<typeof tempServerDir>;
  beforeEach(() => {
    tmp = tempServerDir('agentdesk-demo-');
  });
  afterEach(() => tmp.cleanup());

  it('sets a demo token once, serves, says where the token is, and stops cleanly on Ctrl-C', async () => {
    const first = await startDemo(tmp.root);
    assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
    // One line per part, in the order the README promises, each with a working URL.
    const parts = ['Agent desktop: ', 'Identity provider: ', 'Co-browse server: ', 'Customer site: ', 'Demo agent: '];
    const partLines = first.lines.filter((l) => parts.some((p) => l.startsWith(p)));
    assert.deepEqual(partLines.map((l) => parts.find((p) => l.startsWith(p))), parts, first.lines.join('\n'));
    const desktopUrl = partLines[0]!.slice(parts[0]!.length);
    assert.match(desktopUrl, /^http:\/\/127\.0\.0\.1:\d+\/#key=[\w-]{20,}$/);
    assert.equal((await fetch(desktopUrl)).status, 200, 'the agent UI is served');
    const idpUrl = partLines[1]!.slice(parts[1]!.length);
    assert.equal((await fetch(`${idpUrl}/.well-known/openid-configuration`)).status, 200, 'the identity provider answers discovery');
    const siteUrl = partLines[3]!.slice(parts[3]!.length);
    const site = await fetch(siteUrl);
    assert.equal(site.status, 200, 'the customer site is served');
    assert.match(await site.text(), /<script[^>]+cobrowse\/snippet\.js/, 'with the co-browse snippet on it');
    assert.match(partLines[4]!, /^Demo agent: \S+@\S+ \/ \S+$/);
    assert.ok(first.lines.some((l) => l.includes('a new random token was set') && l.includes(join(tmp.root, 'server'))), first.lines.join('\n'));
    assert.ok(first.lines.some((l) => l.includes('options get slave.password --reveal')));
    assert.equal(await first.stop(), 0);

    const token = (await runCli(['options', 'get', 'slave.password', '--reveal', '--data-dir', join(tmp.root, 'server')])).stdout.trim();
    assert.match(token, /^\d{26}$/);
    assert.deepEqual(filesContaining(tmp.root, token), [], 'the token is in no file, the server log included');

    const second = await startDemo(tmp.root);
    assert.ok(second.lines.some((l) => l.includes('the token set on an earlier run')));
    assert.ok(!second.lines.join('\n').includes(token));
    assert.equal(await second.stop(), 0);
    const after = (await runCli(['options', 'get', 'slave.password', '--reveal', '--data-dir', join(tmp.root, 'server')])).stdout.trim();
    assert.equal(after, token, 'the second run kept the first token');
  });
});
