// The running server's watch on its own database file. SQLite keeps writing to the file it opened
// even after that file is deleted or renamed over, so without this watch a server whose database
// was removed goes on "storing" its audit trail in a file nobody can read, and a CLI that then
// makes a new database writes options this server never sees. The watch stats the path every
// DATABASE_WATCH_INTERVAL_MS and compares device and inode with the file opened at start.
import { stat, type BigIntStats } from 'node:fs';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../common/errors.js';
import { DATABASE_WATCH_INTERVAL_MS } from '../config/limits.js';

/** Which file a path names: device and inode, as decimal strings (inodes may pass 2^53). */
export interface FileIdentity {
  readonly dev: string;
  readonly ino: string;
}

export function identityOf(stats: BigIntStats): FileIdentity {
  return { dev: stats.dev.toString(), ino: stats.ino.toString() };
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

export type DatabaseLoss = 'missing' | 'replaced';

export interface DatabaseWatch {
  /** SERVER_DATABASE_GONE once the file went missing or was replaced; null before. */
  problem(): ErrorCode | null;
  close(): void;
}

export interface WatchDatabaseOptions {
  readonly path: string;
  /** The file the server's connections opened. */
  readonly opened: FileIdentity;
  readonly logger: Logger;
  /** Called on every check, after the file's state is known (the server lock is kept there). */
  readonly onCheck?: () => void;
  readonly intervalMs?: number;
}

/**
 * Once lost, always lost until a restart: a file put back at the path may be a copy or an older
 * backup, and what this process wrote in between is not in it, so the server never guesses that
 * the two agree again.
 */
export function watchDatabaseFile(opts: WatchDatabaseOptions): DatabaseWatch {
  let lost: DatabaseLoss | null = null;
  let checking = false;
  /** Warned once per run of failed checks, not once a second. */
  let unreadable = false;
  let closed = false;

  const report = (loss: DatabaseLoss): void => {
    lost = loss;
    opts.logger.error(
      { code: 'SERVER_DATABASE_GONE', path: opts.path, loss },
      `the database file ${opts.path} ${loss === 'missing' ? 'is missing' : 'was replaced by another file'}: new sessions and agent joins are refused and /readyz answers 503 until the server is restarted; live sessions go on, but their audit events no longer reach ${opts.path}. Restart the server`,
    );
  };

  const check = (): void => {
    if (checking || closed) return;
    checking = true;
    stat(opts.path, { bigint: true }, (err, stats) => {
      checking = false;
      if (closed) return;
      if (lost === null) {
        if (err) {
          // ENOENT and ENOTDIR: gone (the file or its directory). Anything else (EACCES, EIO)
          // says nothing about which file is there; the next check tries again.
          if (err.code === 'ENOENT' || err.code === 'ENOTDIR') report('missing');
          else if (!unreadable) {
            unreadable = true;
            opts.logger.warn({ path: opts.path, reason: err.code ?? 'error' }, 'cannot check the database file; it is checked again each second');
          }
        } else if (!sameFile(identityOf(stats), opts.opened)) {
          report('replaced');
        } else {
          unreadable = false;
        }
      }
      opts.onCheck?.();
    });
  };

  const timer = setInterval(check, opts.intervalMs ?? DATABASE_WATCH_INTERVAL_MS);
  timer.unref();
  return {
    problem: () => (lost === null ? null : 'SERVER_DATABASE_GONE'),
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
