// admin.apiKey in PostgreSQL for a cluster: the salted SHA-256 digest, as AdminKeyStore keeps it
// in SQLite. The HTTP side checks keys synchronously, so each node keeps the row in memory and
// reloads it when told the option changed (Redis notification) or by the backstop poll.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AgentDeskError } from '../../../common/errors.js';
import { ADMIN_KEY_OPTION, adminKeyDigest, adminKeyProblem, type AdminKeyVerdict } from '../admin-key-store.js';
import type { PgPool } from './pg-database.js';

interface CredentialRow {
  salt: Buffer;
  digest: Buffer;
}

export class PgAdminKeyStore {
  #cached: CredentialRow | null = null;

  constructor(private readonly pool: PgPool) {}

  async set(key: string, now = Date.now()): Promise<void> {
    const problem = adminKeyProblem(key);
    if (problem) throw new AgentDeskError('SERVER_ADMIN_KEY_INVALID', `${problem}. The stored value was not changed.`);
    const salt = randomBytes(16);
    await this.pool.query(
      `INSERT INTO admin_credentials (name, salt, digest, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET salt = excluded.salt, digest = excluded.digest, updated_at = excluded.updated_at`,
      [ADMIN_KEY_OPTION, salt, adminKeyDigest(salt, key), now],
    );
  }

  async isSet(): Promise<boolean> {
    return (await this.#read()) !== null;
  }

  async clear(): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM admin_credentials WHERE name = $1', [ADMIN_KEY_OPTION])).rowCount ?? 0) > 0;
  }

  /** Re-reads the row into this node's memory; a failed read keeps what was there. */
  async reload(): Promise<void> {
    this.#cached = await this.#read();
  }

  /** Against the last loaded row, in constant time; the presented key is never stored or logged. */
  verify(presented: string): AdminKeyVerdict {
    const row = this.#cached;
    if (!row) return 'not-configured';
    return timingSafeEqual(adminKeyDigest(row.salt, presented), row.digest) ? 'ok' : 'invalid';
  }

  async #read(): Promise<CredentialRow | null> {
    const { rows } = await this.pool.query<CredentialRow>('SELECT salt, digest FROM admin_credentials WHERE name = $1', [ADMIN_KEY_OPTION]);
    return rows[0] ?? null;
  }
}
