// Where the Debian packages put the servers the cluster tests run, and why a test must skip when
// one is missing (reported as skipped with this reason, never as passed).
import { accessSync, constants, readFileSync } from 'node:fs';

export const PG_BIN = process.env.AGENTDESK_PG_BIN ?? '/usr/lib/postgresql/15/bin';

const NEEDED = {
  'redis-server': ['/usr/bin/redis-server', 'apt-get install -y redis-server'],
  initdb: [`${PG_BIN}/initdb`, 'apt-get install -y postgresql-15'],
  pg_ctl: [`${PG_BIN}/pg_ctl`, 'apt-get install -y postgresql-15'],
  haproxy: ['/usr/sbin/haproxy', 'apt-get install -y haproxy'],
} as const;

export type Binary = keyof typeof NEEDED;

export function binaryPath(name: Binary): string {
  return NEEDED[name][0];
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function postgresUserExists(): boolean {
  try {
    return /^postgres:/m.test(readFileSync('/etc/passwd', 'utf8'));
  } catch {
    return false;
  }
}

/** Why these servers cannot run here (what is missing and how to install it), or false. */
export function missingBinaries(names: readonly Binary[]): string | false {
  const missing = names.filter((n) => !executable(NEEDED[n][0]));
  if (missing.length > 0) return `missing ${missing.map((n) => `${NEEDED[n][0]} (${NEEDED[n][1]})`).join(', ')}`;
  // initdb refuses to run as root; the helper then runs it as the postgres user, which must exist.
  if (names.includes('initdb') && process.getuid?.() === 0 && !postgresUserExists()) {
    return 'running as root and there is no postgres user to run initdb as (apt-get install -y postgresql-15)';
  }
  return false;
}
