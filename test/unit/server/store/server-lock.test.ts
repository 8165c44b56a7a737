import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentDeskError } from '../../../../common/errors.js';
import { identityOf } from '../../../../server/store/database-watch.js';
import { openDatabase } from '../../../../server/store/open-database.js';
import { assertDatabaseServed, removeServerLock, serverLockPath, writeServerLock } from '../../../../server/store/server-lock.js';
import { tempDataDir } from './store-fixture.js';

/** A lock as another process would have written it (the test's parent, alive; or a finished one). */
function lockOf(dir: string, pid: number, processStart: string | null): void {
  const own = JSON.parse(readFileSync(serverLockPath(dir), 'utf8')) as Record<string, unknown>;
  writeFileSync(serverLockPath(dir), JSON.stringify({ ...own, pid, processStart }));
}

function startOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

const refused = (dir: string): boolean => {
  try {
    assertDatabaseServed(dir);
    return false;
  } catch (err) {
    assert.ok(err instanceof AgentDeskError);
    assert.equal(err.code, 'SERVER_DATABASE_GONE');
    return true;
  }
};

describe('server.lock: the CLI never writes a database a live server does not read', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let dbPath: string;
  beforeEach(() => {
    tmp = tempDataDir();
    openDatabase(tmp.dir, true)!.close();
    dbPath = join(tmp.dir, 'agentdesk.db');
    writeServerLock(tmp.dir, identityOf(statSync(dbPath, { bigint: true })));
  });
  afterEach(() => tmp.cleanup());

  it('passes on the very file a live server opened, refuses when it is missing or another file', () => {
    lockOf(tmp.dir, process.ppid, startOf(process.ppid));
    assert.equal(refused(tmp.dir), false);
    renameSync(dbPath, `${dbPath}.away`);
    assert.equal(refused(tmp.dir), true);
    openDatabase(tmp.dir, true)!.close();
    assert.equal(refused(tmp.dir), true, 'a new file at the path is not the one the server reads');
  });

  it('ignores the lock of a process that has ended, or of a pid now used by another process', () => {
    renameSync(dbPath, `${dbPath}.away`);
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    lockOf(tmp.dir, Number(ended.stdout), null);
    assert.equal(refused(tmp.dir), false);
    lockOf(tmp.dir, process.ppid, '1');
    assert.equal(refused(tmp.dir), false, 'same pid, another start time: not the server');
  });

  it('is removed only by the process that wrote it', () => {
    lockOf(tmp.dir, process.ppid, null);
    removeServerLock(tmp.dir);
    assert.doesNotThrow(() => readFileSync(serverLockPath(tmp.dir)));
    writeServerLock(tmp.dir, identityOf(statSync(dbPath, { bigint: true })));
    removeServerLock(tmp.dir);
    assert.throws(() => readFileSync(serverLockPath(tmp.dir)), /ENOENT/);
  });
});
