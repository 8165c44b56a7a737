// The administrator key (option admin.apiKey) that opens the history endpoint. Only a salted
// SHA-256 digest is stored (table admin_credentials), so the key cannot be read back from the data
// dir; a fast hash is enough because the key must be long and random (32+ characters).
// The running server reads the row on every check, so `options set/clear` applies at once.
import Database from 'better-sqlite3';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AgentDeskError } from '../../common/errors.js';
import { openDatabase, type Db } from './open-database.js';

export const ADMIN_KEY_OPTION = 'admin.apiKey';
const ADMIN_KEY_PATTERN = /^[A-Za-z0-9._~-]{32,128}$/;

export type AdminKeyVerdict = 'ok' | 'invalid' | 'not-configured';

/** What the HTTP side needs: a verdict on a presented key. */
export type AdminKeyCheck = (presented: string) => AdminKeyVerdict;

interface CredentialRow {
  salt: Buffer;
  digest: Buffer;
}

/** The stored digest of `key` under `salt` (shared with the PostgreSQL store). */
export function adminKeyDigest(salt: Buffer, key: string): Buffer {
  return createHash('sha256').update(salt).update(key, 'utf8').digest();
}

/** Why `value` cannot be the administrator key (never echoing it), or null when it can. */
export function adminKeyProblem(value: string): string | null {
  if (ADMIN_KEY_PATTERN.test(value)) return null;
  const length = [...value].length;
  if (length < 32 || length > 128) return `${ADMIN_KEY_OPTION} must be 32 to 128 characters; it has ${length}`;
  return `${ADMIN_KEY_OPTION} may hold only A-Z, a-z, 0-9 and . _ ~ - (generate one with: openssl rand -base64 48 | tr '+/' '-_' | tr -d '=')`;
}

export class AdminKeyStore {
  private constructor(private readonly db: Db | null) {}

  /** With `create` false and no database yet, the store reads as "not set" and makes nothing. */
  static open(dataDir: string, create: boolean): AdminKeyStore {
    return new AdminKeyStore(openDatabase(dataDir, create));
  }

  static inMemory(): AdminKeyStore {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE admin_credentials (name TEXT PRIMARY KEY NOT NULL, salt BLOB NOT NULL, digest BLOB NOT NULL, updated_at INTEGER NOT NULL) STRICT;');
    return new AdminKeyStore(db);
  }

  set(key: string, now = Date.now()): void {
    const problem = adminKeyProblem(key);
    if (problem) throw new AgentDeskError('SERVER_ADMIN_KEY_INVALID', `${problem}. The stored value was not changed.`);
    if (!this.db) throw new Error('the admin key store was opened without create: it cannot write');
    const salt = randomBytes(16);
    this.db
      .prepare(
        `INSERT INTO admin_credentials (name, salt, digest, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET salt = excluded.salt, digest = excluded.digest, updated_at = excluded.updated_at`,
      )
      .run(ADMIN_KEY_OPTION, salt, adminKeyDigest(salt, key), now);
  }

  isSet(): boolean {
    return this.#row() !== undefined;
  }

  clear(): boolean {
    if (!this.db) return false;
    return this.db.prepare('DELETE FROM admin_credentials WHERE name = ?').run(ADMIN_KEY_OPTION).changes > 0;
  }

  /** Compares digests in constant time; the presented key is never stored or logged. */
  verify(presented: string): AdminKeyVerdict {
    const row = this.#row();
    if (!row) return 'not-configured';
    return timingSafeEqual(adminKeyDigest(row.salt, presented), row.digest) ? 'ok' : 'invalid';
  }

  close(): void {
    this.db?.close();
  }

  #row(): CredentialRow | undefined {
    return this.db?.prepare('SELECT salt, digest FROM admin_credentials WHERE name = ?').get(ADMIN_KEY_OPTION) as CredentialRow | undefined;
  }
}
