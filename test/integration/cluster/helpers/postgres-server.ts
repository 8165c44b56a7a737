// A real PostgreSQL 15 (Debian's package) in a temp dir on 127.0.0.1 and a free port: initdb
// (trust auth, superuser agentdesk), pg_ctl start with the socket in the temp dir. initdb refuses
// to run as root, so as root the data dir is given to the postgres user and both run through
// runuser. One instance per test file (start-up is about 2 s); each test makes its own database.
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PG_BIN } from './binaries.js';
import { cleanupOnParentDeath, killPid, run, stopOnExit } from './child-processes.js';
import { freePort } from './free-port.js';

export interface PostgresServer {
  readonly port: number;
  /** The cluster's files (to prove what never reaches the disk). */
  readonly dataDir: string;
  /** postgres://agentdesk@127.0.0.1:PORT/postgres */
  readonly adminUrl: string;
  readonly running: boolean;
  /** Makes an empty database and returns its connection string. */
  createDatabase(name?: string): Promise<string>;
  /** pg_ctl stop -m fast (or immediate: a crash-like stop). */
  stop(mode?: 'fast' | 'immediate'): void;
  /** pg_ctl start again on the same port and data. */
  start(): void;
  /** Stops for good and removes the temp dir. */
  destroy(): void;
}

function passwdIds(user: string): { uid: number; gid: number } {
  const line = execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).trim();
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

let databaseCounter = 0;

export async function startPostgres(): Promise<PostgresServer> {
  const root = mkdtempSync(join(tmpdir(), 'agentdesk-pg-'));
  const dataDir = join(root, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = passwdIds('postgres');
    chownSync(root, uid, gid);
  }
  const pgCommand = (bin: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]] : [join(PG_BIN, bin), args];
  const pgRun = (bin: string, args: string[]): string => run(...pgCommand(bin, args));

  pgRun('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'agentdesk', '--no-sync', '-E', 'UTF8', '--locale=C']);
  // fsync off: a test database need not survive a power cut, and it saves seconds per test file.
  const serverOptions = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  let running = false;
  const start = (): void => {
    pgRun('pg_ctl', ['-D', dataDir, '-o', serverOptions, '-l', join(root, 'log'), '-w', '-t', '30', 'start']);
    running = true;
  };
  const stop = (mode: 'fast' | 'immediate' = 'fast'): void => {
    if (!running) return;
    pgRun('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
    running = false;
  };
  // pg_ctl's server outlives pg_ctl: if this process dies by SIGKILL, the guard stops it.
  const [stopFile, stopArgs] = pgCommand('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
  const guard = cleanupOnParentDeath([stopFile, ...stopArgs]);
  const unregister = stopOnExit(() => {
    killPid(guard?.pid, 'SIGUSR1');
    stop('immediate');
    rmSync(root, { recursive: true, force: true });
  });
  start();

  const adminUrl = `postgres://agentdesk@127.0.0.1:${port}/postgres`;
  return {
    port,
    dataDir,
    adminUrl,
    get running() {
      return running;
    },
    async createDatabase(name = `t${process.pid}_${databaseCounter++}`) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return `postgres://agentdesk@127.0.0.1:${port}/${name}`;
    },
    stop,
    start,
    destroy() {
      killPid(guard?.pid, 'SIGUSR1');
      try {
        stop('immediate');
      } finally {
        unregister();
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
