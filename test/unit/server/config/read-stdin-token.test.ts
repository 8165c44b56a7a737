import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { AgentDeskError } from '../../../../common/errors.js';
import { readStdinToken } from '../../../../server/config/read-stdin-token.js';

describe('readStdinToken', () => {
  it('reads a pipe to its end and drops one trailing newline only', async () => {
    const input = new PassThrough();
    const read = readStdinToken(input);
    input.write('1234567890');
    input.end('1234567890123456\r\n');
    assert.equal(await read, '12345678901234567890123456');
    const twoLines = new PassThrough();
    const second = readStdinToken(twoLines);
    twoLines.end('123\n456\n');
    assert.equal(await second, '123\n456', 'a second line is kept, so validation refuses it');
  });

  it('stops at the first line from a terminal', async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const read = readStdinToken(tty);
    tty.write('12345678901234567890123456\n');
    assert.equal(await read, '12345678901234567890123456');
  });

  it('refuses more than 1 KiB and gives up when nothing arrives', async () => {
    const big = new PassThrough();
    const read = readStdinToken(big);
    big.end('1'.repeat(2048));
    await assert.rejects(read, (err: unknown) => err instanceof AgentDeskError && err.code === 'SERVER_AGENT_TOKEN_INVALID' && /more than 1024 bytes/.test(err.message));
    const silent = new PassThrough();
    await assert.rejects(readStdinToken(silent, 50), (err: unknown) => err instanceof AgentDeskError && err.code === 'SERVER_USAGE' && /no token arrived/.test(err.message));
  });
});
