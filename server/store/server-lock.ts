// <data-dir>/server.lock: which `serve` process runs on this data dir and which database file
// (device and inode) it opened. The CLI reads it before it opens the database: when a live server's
// file is no longer the one at the path, a new or replacement database there would hold options the
// server never reads, so the CLI refuses (SERVER_DATABASE_GONE) instead of silently diverging.
// Advisory only: it never stops a second `serve`, and a lock whose process is gone is ignored.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AgentDeskError } from '../../common/errors.js';
import { identityOf, sameFile, type FileIdentity } from './database-watch.js';
import { databasePath } from './open-database.js';

export const SERVER_LOCK_FILE = 'server.lock';
const LOCK_FORMAT = 'agentdesk-server-lock';

const lockSchema = z.object({
  format: z.literal(LOCK_FORMAT),
  pid: z.number().int().positive(),
  /** The kernel's start time of the process (Linux), so a reused pid is not taken for the server. */
  processStart: z.string().max(32).nullable(),
  database: z.object({ dev: z.string().regex(/^\d{1,40}$/), ino: z.string().regex(/^\d{1,40}$/) }),
});

type ServerLock = z.infer<typeof lockSchema>;

export function serverLockPath(dataDir: string): string {
  return join(dataDir, SERVER_LOCK_FILE);
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null off Linux. */
function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces; fields 3.. follow it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[22 - 3] ?? null;
  } catch {
    return null;
  }
}

function isRunning(lock: ServerLock): boolean {
  try {
    process.kill(lock.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user (a server run as a service account).
    if (!(err instanceof Error && 'code' in err && err.code === 'EPERM')) return false;
  }
  const start = processStartOf(lock.pid);
  return lock.processStart === null || start === null || start === lock.processStart;
}

/** Written by `serve` once its stores are open, and again by the watch if it disappears. */
export function writeServerLock(dataDir: string, database: FileIdentity): void {
  const lock: ServerLock = { format: LOCK_FORMAT, pid: process.pid, processStart: processStartOf(process.pid), database };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = serverLockPath(dataDir);
  // Written aside and renamed, so a reader never sees half a lock.
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(lock)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

/** Removes the lock if this process wrote it (a later `serve` on the same data dir may own it now). */
export function removeServerLock(dataDir: string): void {
  if (readLock(dataDir)?.pid === process.pid) rmSync(serverLockPath(dataDir), { force: true });
}

function readLock(dataDir: string): ServerLock | null {
  let text: string;
  try {
    text = readFileSync(serverLockPath(dataDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = lockSchema.safeParse(JSON.parse(text.slice(0, 4096)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether the lock file is there (the watch puts it back when the data dir was emptied). */
export function hasServerLock(dataDir: string): boolean {
  return readLock(dataDir) !== null;
}

/**
 * Throws SERVER_DATABASE_GONE when a live server runs on `dataDir` but the database file at the
 * path is missing or is not the one that server opened. Called by the CLI before it opens (and
 * perhaps creates) the database; with no live server, or the same file, it returns.
 */
export function assertDatabaseServed(dataDir: string): void {
  const lock = readLock(dataDir);
  if (!lock || lock.pid === process.pid || !isRunning(lock)) return;
  const path = databasePath(dataDir);
  let current: FileIdentity | null = null;
  try {
    current = identityOf(statSync(path, { bigint: true }));
  } catch (err) {
    // Only "not there" is decided here; another failure is reported by the open that follows.
    if (!(err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'ENOTDIR'))) return;
  }
  if (current && sameFile(current, lock.database)) return;
  const what = current
    ? `${path} is not the database it opened (the file was replaced)`
    : `its database ${path} is missing`;
  throw new AgentDeskError(
    'SERVER_DATABASE_GONE',
    `a co-browse server (pid ${lock.pid}) runs on ${dataDir} but ${what}: that server would never read a change made here, so nothing was written. Restart the server, then run this command again`,
  );
}
