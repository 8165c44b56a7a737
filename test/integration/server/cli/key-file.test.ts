import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, snapshotFiles, startServerProcess, tempServerDir } from '../helpers/server-process.js';

const TOKEN = '16180339887498948482045868';
const NOBODY = 65534;

describe('agentdesk-server and its key file', () => {
  let tmp: ReturnType<typeof tempServerDir>;
  let keyFile: string;
  const flags = (): string[] => ['--data-dir', tmp.dataDir];
  const reveal = () => runCli(['options', 'get', 'slave.password', '--reveal', ...flags()]);

  beforeEach(async () => {
    tmp = tempServerDir();
    keyFile = join(tmp.dataDir, 'options.key');
    const set = await runCli(['options', 'set', 'slave.password', TOKEN, ...flags()]);
    assert.equal(set.code, 0, set.stderr);
  });
  afterEach(() => tmp.cleanup());

  it('missing while the database holds the token: every command exits 78 naming the path, and nothing changes', async () => {
    renameSync(keyFile, join(tmp.root, 'options.key.bak'));
    const before = snapshotFiles(tmp.dataDir);
    for (const args of [
      ['options', 'get', 'slave.password', ...flags()],
      ['options', 'set', 'slave.password', '11111111111111111111111111', ...flags()],
      ['options', 'clear', 'slave.password', ...flags()],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 78, args.join(' '));
      assert.match(result.stderr, /SERVER_KEY_FILE_MISSING/);
      assert.ok(result.stderr.includes(keyFile), result.stderr);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    }
    await assert.rejects(startServerProcess({ dataDir: tmp.dataDir }), (err: Error & { code?: number; stderr?: string }) => {
      assert.equal(err.code, 78);
      assert.ok(err.stderr?.includes(keyFile));
      return true;
    });
    assert.deepEqual(snapshotFiles(tmp.dataDir), before, 'no file in the data dir was created, changed or removed');
    renameSync(join(tmp.root, 'options.key.bak'), keyFile);
    assert.equal((await reveal()).stdout, `${TOKEN}\n`);
  });

  it('not a key file: exit 78 naming the path, and the data stays readable once it is restored', async () => {
    const good = readFileSync(keyFile);
    writeFileSync(keyFile, '{"format":"agentdesk-options-keyring","version":1}', { mode: 0o600 });
    const before = snapshotFiles(tmp.dataDir);
    const result = await runCli(['options', 'get', 'slave.password', ...flags()]);
    assert.equal(result.code, 78);
    assert.match(result.stderr, /SERVER_KEY_FILE_UNREADABLE/);
    assert.ok(result.stderr.includes(`${keyFile} is not a valid key file`), result.stderr);
    await assert.rejects(startServerProcess({ dataDir: tmp.dataDir }), (err: Error & { code?: number }) => err.code === 78);
    assert.deepEqual(snapshotFiles(tmp.dataDir), before);
    writeFileSync(keyFile, good);
    assert.equal((await reveal()).stdout, `${TOKEN}\n`);
  });

  it('not readable by the user running the server: exit 78 naming the path and the reason', async () => {
    let spawnAs: { uid: number; gid: number } | undefined;
    if (process.getuid?.() === 0) {
      // root reads any file: run the command as nobody, who owns the data dir but not the key.
      chownSync(tmp.root, NOBODY, NOBODY);
      chownSync(tmp.dataDir, NOBODY, NOBODY);
      chownSync(join(tmp.dataDir, 'agentdesk.db'), NOBODY, NOBODY);
      spawnAs = { uid: NOBODY, gid: NOBODY };
    } else {
      chmodSync(keyFile, 0o000);
    }
    const result = await runCli(['options', 'get', 'slave.password', ...flags()], spawnAs ? { spawn: spawnAs } : {});
    assert.equal(result.code, 78, result.stderr);
    assert.match(result.stderr, /SERVER_KEY_FILE_UNREADABLE/);
    assert.ok(result.stderr.includes(`${keyFile} cannot be read (EACCES)`), result.stderr);
    if (!spawnAs) chmodSync(keyFile, 0o600);
    assert.equal((await reveal()).stdout, `${TOKEN}\n`);
  });

  it('open to group or others: refused with the chmod that fixes it', async () => {
    chmodSync(keyFile, 0o644);
    const result = await runCli(['options', 'get', 'slave.password', ...flags()]);
    assert.equal(result.code, 78);
    assert.match(result.stderr, /SERVER_KEY_FILE_PERMISSIONS/);
    assert.ok(result.stderr.includes(`Run: chmod 600 ${keyFile}`), result.stderr);
    await assert.rejects(startServerProcess({ dataDir: tmp.dataDir }), (err: Error & { code?: number }) => err.code === 78);
    chmodSync(keyFile, 0o600);
    assert.equal((await reveal()).stdout, `${TOKEN}\n`);
  });

  it('can live outside the data dir via keyFile in the config file', async () => {
    const configDir = join(tmp.root, 'etc');
    mkdirSync(configDir);
    const config = join(configDir, 'config.json');
    writeFileSync(config, JSON.stringify({ keyFile: 'keys/agentdesk.key' }));
    const other = join(tmp.root, 'other-data');
    const set = await runCli(['options', 'set', 'slave.password', TOKEN, '--data-dir', other, '--config', config]);
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual([...snapshotFiles(other).keys()].filter((f) => f.endsWith('.key')), []);
    assert.ok(snapshotFiles(join(configDir, 'keys')).has('agentdesk.key'));
    const got = await runCli(['options', 'get', 'slave.password', '--reveal', '--data-dir', other, '--config', config]);
    assert.equal(got.stdout, `${TOKEN}\n`);
  });
});
