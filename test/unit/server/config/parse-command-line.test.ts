import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentDeskError } from '../../../../common/errors.js';
import { parseCommandLine } from '../../../../server/config/parse-command-line.js';

function usage(argv: string[], expected: RegExp, code = 'SERVER_USAGE'): void {
  assert.throws(() => parseCommandLine(argv), (err: unknown) => err instanceof AgentDeskError && err.code === code && expected.test(err.message), argv.join(' '));
}

describe('parseCommandLine', () => {
  it('serves by default, with the flags given', () => {
    assert.deepEqual(parseCommandLine(['--data-dir', '/d']), { kind: 'serve', flags: { dataDir: '/d' } });
    assert.deepEqual(parseCommandLine(['serve', '--data-dir', '/d', '--host', '::1', '--port', '0', '--config', 'c.json']), {
      kind: 'serve',
      flags: { dataDir: '/d', host: '::1', port: 0, configFile: 'c.json' },
    });
  });

  it('parses the options commands', () => {
    assert.deepEqual(parseCommandLine(['options', 'set', 'slave.password', '-', '--grace', '300', '--data-dir', '/d']), {
      kind: 'options-set',
      name: 'slave.password',
      value: '-',
      graceSeconds: 300,
      flags: { dataDir: '/d' },
    });
    assert.deepEqual(parseCommandLine(['options', 'get', 'slave.password', '--reveal', '--data-dir', '/d']), {
      kind: 'options-get',
      name: 'slave.password',
      reveal: true,
      flags: { dataDir: '/d' },
    });
    assert.deepEqual(parseCommandLine(['options', 'clear', 'slave.password', '--data-dir=/d']), { kind: 'options-clear', name: 'slave.password', flags: { dataDir: '/d' } });
  });

  it('answers --help and -h anywhere', () => {
    assert.deepEqual(parseCommandLine(['--help']), { kind: 'help' });
    assert.deepEqual(parseCommandLine(['options', '-h']), { kind: 'help' });
  });

  it('refuses what it does not know, saying what', () => {
    usage(['--data-dir', '/d', '--verbose'], /Unknown option '--verbose'/);
    usage(['start', '--data-dir', '/d'], /unknown command "start"/);
    usage(['options', 'set', 'slave.passwd', '1', '--data-dir', '/d'], /unknown option "slave.passwd"/, 'SERVER_OPTION_UNKNOWN');
    usage(['options', 'remove', 'slave.password', '--data-dir', '/d'], /unknown options command "remove"/);
    usage(['options', '--data-dir', '/d'], /set, get or clear/);
    usage(['options', 'get', 'slave.password'], /--data-dir DIR is required/);
    usage(['serve'], /--data-dir DIR is required/);
    usage(['--data-dir', '/d', '--port', '99999'], /--port must be a whole number from 0 to 65535/);
    usage(['--data-dir', '/d', '--port', 'http'], /--port must be/);
    usage(['--data-dir', '/d', '--host', 'a b'], /--host must be/);
    usage(['options', 'get', 'slave.password', '--grace', '5', '--data-dir', '/d'], /--grace is not a flag of "options get"/);
    usage(['options', 'set', 'slave.password', '--data-dir', '/d'], /needs a value/);
    usage(['options', 'set', 'slave.password', '1234', '5678', '--data-dir', '/d'], /takes one value/);
    usage(['options', 'set', 'slave.password', '-', '--grace', '1.5', '--data-dir', '/d'], /--grace must be a whole number from 0 to 604800/);
    usage(['options', 'set', 'slave.password', '-', '--grace', '604801', '--data-dir', '/d'], /--grace must be/);
    usage(['serve', '--reveal', '--data-dir', '/d'], /--reveal is not a flag of "serve"/);
    usage(['serve', 'now', '--data-dir', '/d'], /takes no arguments/);
  });
});
