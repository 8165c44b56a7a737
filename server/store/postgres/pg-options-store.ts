// slave.password in PostgreSQL, shared by every node of a cluster: the same rows, AES-128-GCM
// sealing and rotation rule as the SQLite OptionsStore (server/store/options-store.ts). The key
// stays in the key file each node has (a copy of the same file); it never enters the database.
import type pg from 'pg';
import { AgentDeskError } from '../../../common/errors.js';
import { MAX_GRACE_SECONDS } from '../../config/limits.js';
import { createKeyFile, readKeyFile } from '../../crypto/key-file.js';
import type { Keyring } from '../../crypto/keyring.js';
import { OptionOpenError, openOption, sealOption, type OptionContext, type SealedValue } from '../../crypto/option-cipher.js';
import type { AgentTokenState } from '../../types.js';
import { AGENT_TOKEN_OPTION, PREVIOUS_AGENT_TOKEN_ROW, agentTokenProblem } from '../agent-token-option.js';
import { planPreviousToken } from '../agent-token-rotation.js';
import type { SetAgentTokenOptions, SetAgentTokenResult } from '../options-store.js';
import { inTransaction, type PgPool } from './pg-database.js';

interface OptionRow {
  name: string;
  key_id: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
  valid_until: string | null;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

function validUntil(row: OptionRow): number | null {
  return row.valid_until === null ? null : Number(row.valid_until);
}

export interface OpenPgOptionsStoreOptions {
  readonly pool: PgPool;
  readonly keyFile: string;
  /** Make the key file when missing and the database holds no options (serve, options set). */
  readonly create: boolean;
}

export class PgOptionsStore {
  private constructor(
    private readonly pool: PgPool,
    private keyring: Keyring | null,
    readonly keyFile: string,
  ) {}

  /** As OptionsStore.open: a missing key file while rows exist fails and creates nothing. */
  static async open(opts: OpenPgOptionsStoreOptions): Promise<PgOptionsStore> {
    const { rows } = await opts.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM options');
    const count = rows[0]?.n ?? 0;
    let keyring = readKeyFile(opts.keyFile);
    if (!keyring && count > 0) {
      throw new AgentDeskError(
        'SERVER_KEY_FILE_MISSING',
        `The options key file ${opts.keyFile} is missing, but the PostgreSQL database holds ${count} encrypted option(s). Copy the cluster's key file here; nothing was changed.`,
      );
    }
    if (!keyring && opts.create) keyring = createKeyFile(opts.keyFile);
    return new PgOptionsStore(opts.pool, keyring, opts.keyFile);
  }

  async readAgentToken(now = Date.now()): Promise<AgentTokenState> {
    const { rows } = await this.pool.query<OptionRow>('SELECT * FROM options WHERE name = ANY($1)', [[AGENT_TOKEN_OPTION, PREVIOUS_AGENT_TOKEN_ROW]]);
    const currentRow = rows.find((r) => r.name === AGENT_TOKEN_OPTION);
    const previousRow = rows.find((r) => r.name === PREVIOUS_AGENT_TOKEN_ROW && r.valid_until !== null && Number(r.valid_until) > now);
    const current = currentRow ? this.openToken(currentRow) : null;
    const previous = previousRow ? { token: this.openToken(previousRow), validUntil: Number(previousRow.valid_until) } : null;
    return { current, previous };
  }

  async hasAgentToken(): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM options WHERE name = $1', [AGENT_TOKEN_OPTION]);
    return (rowCount ?? 0) > 0;
  }

  async setAgentToken(value: string, opts: SetAgentTokenOptions = {}): Promise<SetAgentTokenResult> {
    const problem = agentTokenProblem(value);
    if (problem) throw new AgentDeskError('SERVER_AGENT_TOKEN_INVALID', `${problem}. The stored value was not changed.`);
    const grace = opts.graceSeconds ?? 0;
    if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_SECONDS) {
      throw new RangeError(`grace must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS}`);
    }
    const keyring = this.writableKeyring();
    const now = opts.now ?? Date.now();
    return inTransaction(this.pool, async (client) => {
      // FOR UPDATE: two `options set` on two nodes at once rotate one after the other.
      const { rows } = await client.query<OptionRow>('SELECT * FROM options WHERE name = $1 FOR UPDATE', [AGENT_TOKEN_OPTION]);
      const oldRow = rows[0];
      const old = oldRow && grace > 0 ? this.tryOpen(oldRow) : null;
      const plan = planPreviousToken(old, value, grace, now);
      if (plan.kind === 'keep') await this.writeRow(client, keyring, { name: PREVIOUS_AGENT_TOKEN_ROW, validUntil: plan.validUntil }, plan.value, now);
      else if (plan.kind === 'delete') await client.query('DELETE FROM options WHERE name = $1', [PREVIOUS_AGENT_TOKEN_ROW]);
      await this.writeRow(client, keyring, { name: AGENT_TOKEN_OPTION, validUntil: null }, value, now);
      return { previousValidUntil: plan.kind === 'keep' ? plan.validUntil : null };
    });
  }

  async clearAgentToken(): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const had = (await client.query('SELECT 1 FROM options WHERE name = $1 FOR UPDATE', [AGENT_TOKEN_OPTION])).rowCount ?? 0;
      await client.query('DELETE FROM options WHERE name = ANY($1)', [[AGENT_TOKEN_OPTION, PREVIOUS_AGENT_TOKEN_ROW]]);
      return had > 0;
    });
  }

  private writableKeyring(): Keyring {
    if (!this.keyring) throw new Error('the options store was opened without create: it cannot write');
    return this.keyring;
  }

  private async writeRow(client: Queryable, keyring: Keyring, ctx: OptionContext, value: string, now: number): Promise<void> {
    const sealed = sealOption(keyring, ctx, value);
    await client.query(
      `INSERT INTO options (name, key_id, iv, tag, ciphertext, valid_until, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (name) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv, tag = excluded.tag,
         ciphertext = excluded.ciphertext, valid_until = excluded.valid_until, updated_at = excluded.updated_at`,
      [ctx.name, sealed.keyId, sealed.iv, sealed.tag, sealed.ciphertext, ctx.validUntil, now],
    );
  }

  /** Decrypts a row; a key id this process does not know yet makes it re-read the key file once. */
  private openRow(row: OptionRow): string {
    const ctx = { name: row.name, validUntil: validUntil(row) };
    const sealed: SealedValue = { keyId: row.key_id, iv: row.iv, tag: row.tag, ciphertext: row.ciphertext };
    try {
      if (!this.keyring) throw new OptionOpenError('unknown-key', row.name, row.key_id);
      return openOption(this.keyring, ctx, sealed);
    } catch (err) {
      if (!(err instanceof OptionOpenError)) throw err;
      if (err.reason === 'unknown-key') {
        const reloaded = readKeyFile(this.keyFile);
        if (reloaded?.keys.has(row.key_id)) {
          this.keyring = reloaded;
          try {
            return openOption(reloaded, ctx, sealed);
          } catch (again) {
            const why = again instanceof Error ? again.message : 'unknown reason';
            throw new AgentDeskError('SERVER_OPTION_UNREADABLE', `Option ${AGENT_TOKEN_OPTION} cannot be decrypted: ${why}.`, { cause: again });
          }
        }
      }
      throw new AgentDeskError('SERVER_OPTION_UNREADABLE', `Option ${AGENT_TOKEN_OPTION} cannot be decrypted: ${err.message}.`, { cause: err });
    }
  }

  private tryOpen(row: OptionRow): string | null {
    try {
      const value = this.openRow(row);
      return agentTokenProblem(value) === null ? value : null;
    } catch {
      return null;
    }
  }

  private openToken(row: OptionRow): string {
    const value = this.openRow(row);
    if (agentTokenProblem(value) !== null) {
      throw new AgentDeskError(
        'SERVER_STORED_AGENT_TOKEN_INVALID',
        `The stored option ${AGENT_TOKEN_OPTION} is not 26 digits. Set it again with: agentdesk-server options set ${AGENT_TOKEN_OPTION} - --config FILE`,
      );
    }
    return value;
  }
}
