import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AgentDeskError } from '../../../../common/errors.js';
import { OptionsStore } from '../../../../server/store/options-store.js';
import { readKeyFile } from '../../../../server/crypto/key-file.js';
import { sealOption } from '../../../../server/crypto/option-cipher.js';
import { filesContaining, tempDataDir } from './store-fixture.js';
import { SKIP_WITHOUT_POSIX_MODES } from '../../../support/file-modes.js';

const TOKEN_A = '11111111112222222222333333';
const TOKEN_B = '44444444445555555555666666';
const TOKEN_C = '77777777778888888888999999';

function code(err: unknown): string | undefined {
  return err instanceof AgentDeskError ? err.code : undefined;
}

describe('OptionsStore', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let store: OptionsStore | undefined;
  const open = (create = true): OptionsStore => (store = OptionsStore.open({ dataDir: tmp.dir, keyFile: tmp.keyFile, create }));
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => {
    store?.close();
    store = undefined;
    tmp.cleanup();
  });

  it('creates the database and the key file with mode 0600', { skip: SKIP_WITHOUT_POSIX_MODES }, () => {
    open();
    assert.equal(statSync(tmp.keyFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(tmp.dir, 'agentdesk.db')).mode & 0o777, 0o600);
  });

  it('creates the database and a key file on first open, and starts with no token', () => {
    const s = open();
    assert.ok(existsSync(join(tmp.dir, 'agentdesk.db')));
    assert.ok(existsSync(tmp.keyFile));
    assert.deepEqual(s.readAgentToken(), { current: null, previous: null });
    assert.equal(s.hasAgentToken(), false);
  });

  it('stores the token encrypted: it reads back, survives a reopen, and no file holds its digits', () => {
    open().setAgentToken(TOKEN_A);
    assert.equal(store!.readAgentToken().current, TOKEN_A);
    assert.deepEqual(filesContaining(tmp.dir, TOKEN_A), []);
    store!.close();
    assert.equal(open().readAgentToken().current, TOKEN_A);
    const db = new Database(join(tmp.dir, 'agentdesk.db'), { readonly: true });
    const rows = db.prepare('SELECT name, key_id, length(iv) AS iv, length(tag) AS tag FROM options').all();
    db.close();
    assert.deepEqual(rows, [{ name: 'slave.password', key_id: readKeyFile(tmp.keyFile)!.activeId, iv: 12, tag: 16 }]);
  });

  it('refuses invalid values with a reason and keeps the old value', () => {
    const s = open();
    s.setAgentToken(TOKEN_A);
    const cases: [string, RegExp][] = [
      [TOKEN_A.slice(1), /25 characters/],
      [`${TOKEN_A}1`, /27 characters/],
      ['1234567890123456789012345a', /not digits/],
      ['1234567890 123456789012345', /spaces/],
      ['', /empty/],
      ['１２３４５６７８９０１２３４５６７８９０１２３４５６', /not digits/],
    ];
    for (const [value, reason] of cases) {
      assert.throws(
        () => s.setAgentToken(value),
        (err: unknown) => code(err) === 'SERVER_AGENT_TOKEN_INVALID' && reason.test((err as Error).message) && (value === '' || !(err as Error).message.includes(value)),
        `value ${JSON.stringify(value)}`,
      );
      assert.equal(s.readAgentToken().current, TOKEN_A);
    }
  });

  it('keeps the replaced token valid until the grace ends, then drops it', () => {
    const s = open();
    s.setAgentToken(TOKEN_A, { now: 1_000 });
    const { previousValidUntil } = s.setAgentToken(TOKEN_B, { graceSeconds: 60, now: 2_000 });
    assert.equal(previousValidUntil, 62_000);
    assert.deepEqual(s.readAgentToken(61_999), { current: TOKEN_B, previous: { token: TOKEN_A, validUntil: 62_000 } });
    assert.deepEqual(s.readAgentToken(62_000), { current: TOKEN_B, previous: null });
    assert.deepEqual(filesContaining(tmp.dir, TOKEN_A), []);
    assert.deepEqual(filesContaining(tmp.dir, TOKEN_B), []);
  });

  it('a second rotation keeps only the token it replaces; a rotation without grace drops the previous', () => {
    const s = open();
    const now = Date.now();
    s.setAgentToken(TOKEN_A, { now });
    s.setAgentToken(TOKEN_B, { graceSeconds: 60, now });
    s.setAgentToken(TOKEN_C, { graceSeconds: 30, now });
    assert.deepEqual(s.readAgentToken(now), { current: TOKEN_C, previous: { token: TOKEN_B, validUntil: now + 30_000 } });
    s.setAgentToken(TOKEN_A, { now });
    assert.deepEqual(s.readAgentToken(now), { current: TOKEN_A, previous: null });
  });

  it('a grace with no earlier token, or the same token again, keeps no previous', () => {
    const s = open();
    s.setAgentToken(TOKEN_A, { graceSeconds: 60 });
    assert.equal(s.readAgentToken().previous, null);
    s.setAgentToken(TOKEN_A, { graceSeconds: 60 });
    assert.equal(s.readAgentToken().previous, null);
  });

  it('clear removes the token and any previous one', () => {
    const s = open();
    s.setAgentToken(TOKEN_A);
    s.setAgentToken(TOKEN_B, { graceSeconds: 60 });
    assert.equal(s.clearAgentToken(), true);
    assert.deepEqual(s.readAgentToken(), { current: null, previous: null });
    assert.equal(s.clearAgentToken(), false);
  });

  it('without create, reads a data dir that has no database as empty and creates nothing', () => {
    rmSync(tmp.dir, { recursive: true });
    const s = open(false);
    assert.deepEqual(s.readAgentToken(), { current: null, previous: null });
    assert.equal(s.clearAgentToken(), false);
    assert.equal(existsSync(tmp.dir), false);
  });

  it('with encrypted options and no key file, refuses to open, names the path, and changes nothing', () => {
    open().setAgentToken(TOKEN_A);
    store!.close();
    store = undefined;
    rmSync(tmp.keyFile);
    const before = readdirSync(tmp.dir).sort();
    assert.throws(
      () => open(),
      (err: unknown) => code(err) === 'SERVER_KEY_FILE_MISSING' && (err as Error).message.includes(tmp.keyFile),
    );
    assert.equal(existsSync(tmp.keyFile), false, 'no new key was made');
    assert.deepEqual(readdirSync(tmp.dir).sort(), before);
  });

  it('refuses to read a value altered in the database', () => {
    open().setAgentToken(TOKEN_A);
    const db = new Database(join(tmp.dir, 'agentdesk.db'));
    db.prepare("UPDATE options SET ciphertext = zeroblob(26) WHERE name = 'slave.password'").run();
    db.close();
    assert.throws(() => store!.readAgentToken(), (err: unknown) => code(err) === 'SERVER_OPTION_UNREADABLE');
  });

  it('refuses a stored value that decrypts but is not 26 digits, naming the option', () => {
    open();
    const ring = readKeyFile(tmp.keyFile)!;
    const sealed = sealOption(ring, { name: 'slave.password', validUntil: null }, '1234');
    const db = new Database(join(tmp.dir, 'agentdesk.db'));
    db.prepare('INSERT INTO options VALUES (?, ?, ?, ?, ?, NULL, ?)').run('slave.password', sealed.keyId, sealed.iv, sealed.tag, sealed.ciphertext, Date.now());
    db.close();
    assert.throws(
      () => store!.readAgentToken(),
      (err: unknown) => code(err) === 'SERVER_STORED_AGENT_TOKEN_INVALID' && (err as Error).message.includes('slave.password'),
    );
  });

  it('rotates its key: values are re-sealed under the new key id and another open still reads them', () => {
    const s = open();
    s.setAgentToken(TOKEN_A);
    s.setAgentToken(TOKEN_B, { graceSeconds: 600 });
    const reader = OptionsStore.open({ dataDir: tmp.dir, keyFile: tmp.keyFile, create: false });
    const oldKey = s.activeKeyId();
    const newKey = s.rotateKey();
    assert.notEqual(newKey, oldKey);
    const db = new Database(join(tmp.dir, 'agentdesk.db'), { readonly: true });
    const ids = db.prepare('SELECT DISTINCT key_id FROM options').all();
    db.close();
    assert.deepEqual(ids, [{ key_id: newKey }]);
    // The reader still holds the old keyring: it reloads the key file when it meets the new id.
    const state = reader.readAgentToken();
    reader.close();
    assert.equal(state.current, TOKEN_B);
    assert.equal(state.previous?.token, TOKEN_A);
    assert.deepEqual(filesContaining(tmp.dir, TOKEN_A), []);
    assert.deepEqual(filesContaining(tmp.dir, TOKEN_B), []);
  });

  it('a key file with bad content makes open fail and leaves the file as it was', () => {
    open().setAgentToken(TOKEN_A);
    store!.close();
    store = undefined;
    writeFileSync(tmp.keyFile, '{"format":"x"}', { mode: 0o600 });
    assert.throws(() => open(), (err: unknown) => code(err) === 'SERVER_KEY_FILE_UNREADABLE' && (err as Error).message.includes(tmp.keyFile));
    assert.equal(readFileSync(tmp.keyFile, 'utf8'), '{"format":"x"}');
  });

  it('names a data dir that cannot be used', () => {
    const file = join(tmp.dir, 'not-a-dir');
    writeFileSync(file, 'x');
    assert.throws(
      () => OptionsStore.open({ dataDir: file, keyFile: join(file, 'options.key'), create: true }),
      (err: unknown) => code(err) === 'SERVER_DATA_DIR_UNUSABLE' && (err as Error).message.includes(file),
    );
  });
});
