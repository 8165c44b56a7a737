import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { filesContaining, runCli, tempServerDir } from '../helpers/server-process.js';

const TOKEN = '31415926535897932384626433';
const OTHER = '27182818284590452353602874';

describe('agentdesk-server options', () => {
  let tmp: ReturnType<typeof tempServerDir>;
  const flags = (): string[] => ['--data-dir', tmp.dataDir];
  beforeEach(() => {
    tmp = tempServerDir();
  });
  afterEach(() => tmp.cleanup());

  it('sets, gets, reveals and clears slave.password, keeping it encrypted on disk', async () => {
    assert.deepEqual(await runCli(['options', 'get', 'slave.password', ...flags()]), { code: 0, signal: null, stdout: 'not set\n', stderr: '' });
    assert.equal(existsSync(tmp.dataDir), false, 'get creates nothing');

    const set = await runCli(['options', 'set', 'slave.password', TOKEN, ...flags()]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, 'slave.password set\n');
    assert.equal(statSync(join(tmp.dataDir, 'options.key')).mode & 0o777, 0o600);

    assert.equal((await runCli(['options', 'get', 'slave.password', ...flags()])).stdout, 'set\n');
    assert.equal((await runCli(['options', 'get', 'slave.password', '--reveal', ...flags()])).stdout, `${TOKEN}\n`);
    assert.deepEqual(filesContaining(tmp.root, TOKEN), []);

    const cleared = await runCli(['options', 'clear', 'slave.password', ...flags()]);
    assert.equal(cleared.code, 0);
    assert.equal(cleared.stdout, 'slave.password cleared\n');
    assert.equal((await runCli(['options', 'get', 'slave.password', ...flags()])).stdout, 'not set\n');
    assert.equal((await runCli(['options', 'clear', 'slave.password', ...flags()])).stdout, 'slave.password was not set\n');
    assert.deepEqual(filesContaining(tmp.root, TOKEN), []);
  });

  it('reads the token from stdin with -, so it stays out of argv', async () => {
    const set = await runCli(['options', 'set', 'slave.password', '-', ...flags()], { input: `${TOKEN}\n` });
    assert.equal(set.code, 0, set.stderr);
    assert.equal((await runCli(['options', 'get', 'slave.password', '--reveal', ...flags()])).stdout, `${TOKEN}\n`);
  });

  it('refuses invalid values with exit 64 and a reason, keeping the old value', async () => {
    assert.equal((await runCli(['options', 'set', 'slave.password', TOKEN, ...flags()])).code, 0);
    const cases: [string, RegExp][] = [
      [TOKEN.slice(0, 25), /it has 25 characters, not 26/],
      [`${TOKEN}9`, /it has 27 characters, not 26/],
      ['3141592653589793238462643x', /not digits/],
      ['31415 926535897932384626433', /spaces/],
    ];
    for (const [value, reason] of cases) {
      const viaArg = await runCli(['options', 'set', 'slave.password', value, ...flags()]);
      assert.equal(viaArg.code, 64, value);
      assert.match(viaArg.stderr, reason);
      assert.match(viaArg.stderr, /SERVER_AGENT_TOKEN_INVALID/);
      assert.equal(viaArg.stderr.trim().split('\n').length, 1, 'one line, no usage text');
      const viaStdin = await runCli(['options', 'set', 'slave.password', '-', ...flags()], { input: `${value}\n` });
      assert.equal(viaStdin.code, 64);
      assert.match(viaStdin.stderr, reason);
      assert.equal((await runCli(['options', 'get', 'slave.password', '--reveal', ...flags()])).stdout, `${TOKEN}\n`);
    }
  });

  it('rotates with a grace: get reports the previous token until when', async () => {
    await runCli(['options', 'set', 'slave.password', TOKEN, ...flags()]);
    const before = Date.now();
    const rotated = await runCli(['options', 'set', 'slave.password', OTHER, '--grace', '120', ...flags()]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const until = /valid until (\S+)\n$/.exec(rotated.stdout)?.[1];
    assert.ok(until, rotated.stdout);
    const ms = Date.parse(until);
    assert.ok(ms >= before + 120_000 && ms <= Date.now() + 120_000, until);
    assert.equal((await runCli(['options', 'get', 'slave.password', ...flags()])).stdout, `set\nprevious token valid until ${until}\n`);
    assert.deepEqual(filesContaining(tmp.root, TOKEN), []);
    assert.deepEqual(filesContaining(tmp.root, OTHER), []);
  });

  it('answers unknown commands, names and flags with exit 64 and the usage text', async () => {
    const cases: [string[], RegExp][] = [
      [['options', 'get', 'slave.passwd', ...flags()], /unknown option "slave.passwd".*SERVER_OPTION_UNKNOWN/],
      [['options', 'list', ...flags()], /unknown options command "list"/],
      [['options', 'get', 'slave.password', '--verbose', ...flags()], /Unknown option '--verbose'/],
      [['options', 'get', 'slave.password'], /--data-dir DIR is required/],
      [['launch', ...flags()], /unknown command "launch"/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, 64, args.join(' '));
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Usage:\n {2}agentdesk-server \[serve\]/);
      assert.equal(result.stdout, '');
    }
  });

  it('prints the usage on --help with exit 0', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /options set slave\.password TOKEN\|- \[--grace SECONDS\]/);
    assert.match(help.stdout, /Exit status: 0 ok, 64 usage error, 78 configuration or data problem, 1 unexpected error/);
  });

  it('never echoes a token typed where a name belongs', async () => {
    const result = await runCli(['options', 'get', TOKEN, ...flags()]);
    assert.equal(result.code, 64);
    assert.ok(!result.stderr.includes(TOKEN));
  });
});
