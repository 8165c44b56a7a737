// The server's embedded SQLite database, <data-dir>/agentdesk.db, in WAL mode so the running
// server reads while the CLI writes. Schema changes are numbered by PRAGMA user_version.
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AgentDeskError } from '../../common/errors.js';
import { SQLITE_BUSY_TIMEOUT_MS } from '../config/limits.js';

export const DATABASE_FILE = 'agentdesk.db';
const SCHEMA_VERSION = 2;

export type Db = Database.Database;

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

function reason(err: unknown): string {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : 'error';
}

function migrate(db: Db, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new AgentDeskError(
      'SERVER_DATA_DIR_UNUSABLE',
      `The database ${path} was written by a newer agentdesk-server (schema ${version}); this one knows schema ${SCHEMA_VERSION}.`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    if (version < 1) {
      // valid_until: ms since the epoch, set only on a rotated-out value kept for a grace period.
      db.exec(`
        CREATE TABLE IF NOT EXISTS options (
          name        TEXT PRIMARY KEY NOT NULL,
          key_id      TEXT NOT NULL,
          iv          BLOB NOT NULL,
          tag         BLOB NOT NULL,
          ciphertext  BLOB NOT NULL,
          valid_until INTEGER,
          updated_at  INTEGER NOT NULL
        ) STRICT;
      `);
    }
    if (version < 2) {
      // Schema 2 (issue 5): the co-browse audit trail and the administrator key's digest.
      // audit_events.data is JSON with the event's fields; never a typed value or a secret.
      db.exec(`
        CREATE TABLE IF NOT EXISTS audit_events (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          session_id  TEXT NOT NULL,
          at          INTEGER NOT NULL,
          kind        TEXT NOT NULL,
          data        TEXT NOT NULL
        ) STRICT;
        CREATE INDEX IF NOT EXISTS audit_events_by_session ON audit_events (session_id, id);
        CREATE TABLE IF NOT EXISTS admin_credentials (
          name        TEXT PRIMARY KEY NOT NULL,
          salt        BLOB NOT NULL,
          digest      BLOB NOT NULL,
          updated_at  INTEGER NOT NULL
        ) STRICT;
      `);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/**
 * Opens (and with `create`, first makes) the database. Without `create`, a data dir that has no
 * database yet gives null: reading an option there means "not set", and nothing is created.
 */
export function openDatabase(dataDir: string, create: boolean): Db | null {
  const path = databasePath(dataDir);
  if (!create && !existsSync(path)) return null;
  let db: Db | undefined;
  try {
    if (create) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const isNew = !existsSync(path);
    db = new Database(path, { fileMustExist: !create, timeout: SQLITE_BUSY_TIMEOUT_MS });
    // The -wal and -shm files take the database file's mode, so 0600 here covers all three.
    if (isNew) chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    // Freed pages are zeroed, so an overwritten ciphertext does not linger in the file.
    db.pragma('secure_delete = ON');
    migrate(db, path);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof AgentDeskError) throw err;
    throw new AgentDeskError('SERVER_DATA_DIR_UNUSABLE', `The database ${path} cannot be opened (${reason(err)}).`, { cause: err });
  }
}
