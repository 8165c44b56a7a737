// The options store: encrypted option rows in SQLite, the keyring from the key file. It owns the
// rules for slave.password: validation on write, rotation with a grace, and a consistent read of
// the current and previous token for the running server.
import { AgentDeskError } from '../../common/errors.js';
import type { AgentTokenState } from '../types.js';
import { createKeyFile, readKeyFile, replaceKeyFile } from '../crypto/key-file.js';
import { rotateKeyring, type Keyring } from '../crypto/keyring.js';
import { OptionOpenError, openOption, sealOption, type OptionContext } from '../crypto/option-cipher.js';
import { MAX_GRACE_SECONDS } from '../config/limits.js';
import { AGENT_TOKEN_OPTION, PREVIOUS_AGENT_TOKEN_ROW, agentTokenProblem } from './agent-token-option.js';
import { planPreviousToken } from './agent-token-rotation.js';
import { databasePath, openDatabase, type Db } from './open-database.js';

export interface OpenOptionsStoreOptions {
  readonly dataDir: string;
  readonly keyFile: string;
  /**
   * Make the data dir, database and key file when missing (serve, options set). Without it,
   * a data dir with no database reads as empty and nothing is created (options get, clear).
   */
  readonly create: boolean;
}

export interface SetAgentTokenOptions {
  /** Keep the replaced token valid this many seconds; 0 or absent retires it at once. */
  readonly graceSeconds?: number;
  readonly now?: number;
}

export interface SetAgentTokenResult {
  /** When the replaced token stops being accepted; null when none is kept. */
  readonly previousValidUntil: number | null;
}

interface OptionRow {
  name: string;
  key_id: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
  valid_until: number | null;
  updated_at: number;
}

const EMPTY_STATE: AgentTokenState = { current: null, previous: null };

export class OptionsStore {
  private readonly writeListeners = new Set<() => void>();

  private constructor(
    private readonly db: Db | null,
    private keyring: Keyring | null,
    readonly dataDir: string,
    readonly keyFile: string,
  ) {}

  /**
   * Opens the store. The key file is checked before anything is written: when it is missing while
   * the database holds encrypted options, this fails and creates nothing, so no data is orphaned.
   */
  static open(opts: OpenOptionsStoreOptions): OptionsStore {
    const db = openDatabase(opts.dataDir, opts.create);
    try {
      const rows = db ? (db.prepare('SELECT count(*) AS n FROM options').get() as { n: number }).n : 0;
      let keyring = readKeyFile(opts.keyFile);
      if (!keyring && rows > 0) {
        throw new AgentDeskError(
          'SERVER_KEY_FILE_MISSING',
          `The options key file ${opts.keyFile} is missing, but ${databasePath(opts.dataDir)} holds ${rows} encrypted option(s). Restore the key file; nothing was changed.`,
        );
      }
      if (!keyring && opts.create) keyring = createKeyFile(opts.keyFile);
      return new OptionsStore(db, keyring, opts.dataDir, opts.keyFile);
    } catch (err) {
      db?.close();
      throw err;
    }
  }

  close(): void {
    this.db?.close();
  }

  /** Changes when another connection commits; the live token source polls it. */
  dataVersion(): number {
    return this.db ? (this.db.pragma('data_version', { simple: true }) as number) : 0;
  }

  /** Called after this store itself wrote (other connections are seen through dataVersion). */
  onWrite(listener: () => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /**
   * The current token and, while its grace runs, the previous one. Throws AgentDeskError
   * SERVER_OPTION_UNREADABLE (cannot decrypt) or SERVER_STORED_AGENT_TOKEN_INVALID (not 26 digits).
   */
  readAgentToken(now = Date.now()): AgentTokenState {
    const db = this.db;
    if (!db) return EMPTY_STATE;
    const rows = db.transaction(() => ({
      current: this.row(db, AGENT_TOKEN_OPTION),
      previous: this.row(db, PREVIOUS_AGENT_TOKEN_ROW),
    }))();
    const current = rows.current ? this.openToken(rows.current) : null;
    const previousRow = rows.previous && rows.previous.valid_until !== null && rows.previous.valid_until > now ? rows.previous : null;
    const previous = previousRow ? { token: this.openToken(previousRow), validUntil: previousRow.valid_until! } : null;
    return { current, previous };
  }

  /** Whether slave.password is set, without decrypting it. */
  hasAgentToken(): boolean {
    return this.db ? this.row(this.db, AGENT_TOKEN_OPTION) !== undefined : false;
  }

  /**
   * Validates and stores a new token. With a grace, the token it replaces stays valid until
   * now + grace; without, it is retired at once. A second rotation during a grace replaces the
   * kept token with the one being replaced now. An invalid value changes nothing.
   */
  setAgentToken(value: string, opts: SetAgentTokenOptions = {}): SetAgentTokenResult {
    const problem = agentTokenProblem(value);
    if (problem) throw new AgentDeskError('SERVER_AGENT_TOKEN_INVALID', `${problem}. The stored value was not changed.`);
    const grace = opts.graceSeconds ?? 0;
    if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_SECONDS) {
      throw new RangeError(`grace must be a whole number of seconds from 0 to ${MAX_GRACE_SECONDS}`);
    }
    const { db, keyring } = this.writable();
    const now = opts.now ?? Date.now();
    const result = db.transaction((): SetAgentTokenResult => {
      const oldRow = this.row(db, AGENT_TOKEN_OPTION);
      // The old value must be readable to be kept; a row we cannot open is simply replaced.
      const old = oldRow && grace > 0 ? this.tryOpen(oldRow) : null;
      const plan = planPreviousToken(old, value, grace, now);
      if (plan.kind === 'keep') this.writeRow(db, keyring, { name: PREVIOUS_AGENT_TOKEN_ROW, validUntil: plan.validUntil }, plan.value, now);
      else if (plan.kind === 'delete') db.prepare('DELETE FROM options WHERE name = ?').run(PREVIOUS_AGENT_TOKEN_ROW);
      this.writeRow(db, keyring, { name: AGENT_TOKEN_OPTION, validUntil: null }, value, now);
      return { previousValidUntil: plan.kind === 'keep' ? plan.validUntil : null };
    })();
    this.emitWrite();
    return result;
  }

  /** Removes the token and any previous one still in grace. Returns whether one was set. */
  clearAgentToken(): boolean {
    const db = this.db;
    if (!db) return false;
    const removed = db.transaction(() => {
      const had = this.row(db, AGENT_TOKEN_OPTION) !== undefined;
      db.prepare('DELETE FROM options WHERE name IN (?, ?)').run(AGENT_TOKEN_OPTION, PREVIOUS_AGENT_TOKEN_ROW);
      return had;
    })();
    this.emitWrite();
    return removed;
  }

  /**
   * Adds a new active key to the key file and re-seals every option under it. The old keys stay
   * in the file, so a process still holding the old keyring reads the new rows after it reloads.
   */
  rotateKey(now = Date.now()): string {
    const { db, keyring } = this.writable();
    const next = rotateKeyring(keyring);
    const rows = db.prepare('SELECT * FROM options').all() as OptionRow[];
    const plain = rows.map((row) => ({ ctx: { name: row.name, validUntil: row.valid_until }, value: this.openRow(row) }));
    // The key file goes first: if the database update then fails, the new key is simply unused.
    replaceKeyFile(this.keyFile, next);
    this.keyring = next;
    db.transaction(() => {
      for (const { ctx, value } of plain) this.writeRow(db, next, ctx, value, now);
    })();
    this.emitWrite();
    return next.activeId;
  }

  /** The id of the key that seals new values. */
  activeKeyId(): string | null {
    return this.keyring?.activeId ?? null;
  }

  private writable(): { db: Db; keyring: Keyring } {
    if (!this.db || !this.keyring) throw new Error('the options store was opened without create: it cannot write');
    return { db: this.db, keyring: this.keyring };
  }

  private emitWrite(): void {
    for (const listener of this.writeListeners) listener();
  }

  private row(db: Db, name: string): OptionRow | undefined {
    return db.prepare('SELECT * FROM options WHERE name = ?').get(name) as OptionRow | undefined;
  }

  private writeRow(db: Db, keyring: Keyring, ctx: OptionContext, value: string, now: number): void {
    const sealed = sealOption(keyring, ctx, value);
    db.prepare(
      `INSERT INTO options (name, key_id, iv, tag, ciphertext, valid_until, updated_at)
       VALUES (@name, @keyId, @iv, @tag, @ciphertext, @validUntil, @now)
       ON CONFLICT (name) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv, tag = excluded.tag,
         ciphertext = excluded.ciphertext, valid_until = excluded.valid_until, updated_at = excluded.updated_at`,
    ).run({ name: ctx.name, keyId: sealed.keyId, iv: sealed.iv, tag: sealed.tag, ciphertext: sealed.ciphertext, validUntil: ctx.validUntil, now });
  }

  /** Decrypts a row; a key id this process does not know yet makes it re-read the key file once. */
  private openRow(row: OptionRow): string {
    const ctx = { name: row.name, validUntil: row.valid_until };
    const sealed = { keyId: row.key_id, iv: row.iv, tag: row.tag, ciphertext: row.ciphertext };
    try {
      if (!this.keyring) throw new OptionOpenError('unknown-key', row.name, row.key_id);
      return openOption(this.keyring, ctx, sealed);
    } catch (err) {
      if (!(err instanceof OptionOpenError)) throw err;
      if (err.reason === 'unknown-key') {
        const reloaded = readKeyFile(this.keyFile);
        if (reloaded?.keys.has(row.key_id)) {
          this.keyring = reloaded;
          return this.openRowOrFail(reloaded, ctx, sealed);
        }
      }
      throw new AgentDeskError('SERVER_OPTION_UNREADABLE', `Option ${AGENT_TOKEN_OPTION} cannot be decrypted: ${err.message}.`, { cause: err });
    }
  }

  private openRowOrFail(keyring: Keyring, ctx: OptionContext, sealed: Parameters<typeof openOption>[2]): string {
    try {
      return openOption(keyring, ctx, sealed);
    } catch (err) {
      const why = err instanceof Error ? err.message : 'unknown reason';
      throw new AgentDeskError('SERVER_OPTION_UNREADABLE', `Option ${AGENT_TOKEN_OPTION} cannot be decrypted: ${why}.`, { cause: err });
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
        `The stored option ${AGENT_TOKEN_OPTION} is not 26 digits. Set it again with: agentdesk-server options set ${AGENT_TOKEN_OPTION} - --data-dir ${this.dataDir}`,
      );
    }
    return value;
  }
}
