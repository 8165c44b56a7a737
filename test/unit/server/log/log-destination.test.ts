import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../../server/log/create-logger.js';
import { createLogDestination } from '../../../../server/log/log-destination.js';

describe('createLogDestination', () => {
  it('never blocks on a reader that stopped: lines past the buffer are dropped and counted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentdesk-log-'));
    const fifo = join(dir, 'log.fifo');
    execFileSync('mkfifo', [fifo]);
    // Read-write so the open does not wait for a reader; nobody reads it until the end.
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      const out = createLogDestination(fd, 256 * 1024);
      const logger = createLogger({ destination: out.stream });
      const line = 'x'.repeat(1000);
      // A synchronous destination would block here for good once the 64 KiB pipe is full.
      for (let i = 0; i < 2000; i += 1) logger.info({ i, line }, 'flood');
      await new Promise((r) => setTimeout(r, 50));
      const drops = out.drops();
      assert.ok(drops.lines > 1000, `dropped ${drops.lines} lines`);
      assert.ok(drops.lines < 2000, 'what fits in the pipe and the buffer is kept');
      // The reader comes back: the kept lines are whole JSON lines.
      const chunk = Buffer.alloc(65536);
      const n = readSync(fd, chunk);
      const first = chunk.subarray(0, n).toString('utf8').split('\n')[0]!;
      assert.equal(JSON.parse(first).msg, 'flood');
      out.stream.destroy();
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
