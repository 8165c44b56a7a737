import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimInstance, instanceSocketPath } from '../../../src/host/single-instance.js';

const CALLBACK = 'com.agentdesk.desktop:/oauth/callback?code=abc&state=xyz';
const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentdesk-instance-'));
  dirs.push(dir);
  return dir;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs claimInstance in a separate Node process, as a second launch by the OS would. */
function launchSecond(dir: string, argv: string[]): Promise<string> {
  const script = `
    import { claimInstance } from ${JSON.stringify(new URL('../../../src/host/single-instance.ts', import.meta.url).pathname)};
    const role = await claimInstance(process.argv[1], process.argv.slice(2), () => {});
    console.log(role.role);
    if (role.role === 'primary') await role.close();
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir, ...argv], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 15_000 });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on("exit", () => resolve(out.trim()));
  });
}

describe('single-instance hand-over', () => {
  it('hands a later launch\'s callback URL to the running instance, which receives it intact', async () => {
    const dir = dataDir();
    const received: string[][] = [];
    const primary = await claimInstance(dir, [], (argv) => received.push([...argv]));
    assert.equal(primary.role, 'primary');
    assert.equal(await launchSecond(dir, ['--some-flag', CALLBACK]), 'secondary');
    assert.deepEqual(received, [['--some-flag', CALLBACK]]);
    if (primary.role === 'primary') await primary.close();
  });

  it('becomes the primary when the socket file was left behind by a crashed instance', async () => {
    const dir = dataDir();
    writeFileSync(instanceSocketPath(dir), '');
    assert.equal(await launchSecond(dir, [CALLBACK]), 'primary');
  });

  it('ignores a local peer that sends something other than a hand-over', async () => {
    const dir = dataDir();
    const received: string[][] = [];
    const primary = await claimInstance(dir, [], (argv) => received.push([...argv]));
    const { connect } = await import('node:net');
    const reply = await new Promise<string>((resolve) => {
      const s = connect(instanceSocketPath(dir));
      let out = '';
      s.on('data', (d) => (out += d.toString()));
      s.on('close', () => resolve(out));
      s.write('{"argv": [1, 2]}\n');
    });
    assert.equal(reply, 'bad\n');
    assert.deepEqual(received, []);
    if (primary.role === 'primary') await primary.close();
  });
});
