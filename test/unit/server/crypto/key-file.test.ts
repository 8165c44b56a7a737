import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentDeskError } from '../../../../common/errors.js';
import { createKeyFile, readKeyFile, replaceKeyFile } from '../../../../server/crypto/key-file.js';
import { rotateKeyring } from '../../../../server/crypto/keyring.js';
import { SKIP_WITHOUT_POSIX_MODES } from '../../../support/file-modes.js';

function code(err: unknown): string | undefined {
  return err instanceof AgentDeskError ? err.code : undefined;
}

describe('options key file', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentdesk-keyfile-'));
    path = join(dir, 'options.key');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created with mode 0600', { skip: SKIP_WITHOUT_POSIX_MODES }, () => {
    createKeyFile(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('is created and read back as the same keyring, leaving no temp file', () => {
    const ring = createKeyFile(path);
    const read = readKeyFile(path);
    assert.equal(read?.activeId, ring.activeId);
    assert.deepEqual(readdirSync(dir), ['options.key']);
  });

  it('is never overwritten by a second create: the existing keyring wins', () => {
    const first = createKeyFile(path);
    const before = readFileSync(path, 'utf8');
    const second = createKeyFile(path);
    assert.equal(second.activeId, first.activeId);
    assert.equal(readFileSync(path, 'utf8'), before);
  });

  it('reads as null when missing', () => {
    assert.equal(readKeyFile(path), null);
  });

  it('is refused when group or others may read it, with the chmod to run', { skip: SKIP_WITHOUT_POSIX_MODES }, () => {
    createKeyFile(path);
    chmodSync(path, 0o644);
    assert.throws(
      () => readKeyFile(path),
      (err: unknown) => code(err) === 'SERVER_KEY_FILE_PERMISSIONS' && (err as Error).message.includes(`chmod 600 ${path}`) && (err as Error).message.includes('644'),
    );
    chmodSync(path, 0o640);
    assert.throws(() => readKeyFile(path), (err: unknown) => code(err) === 'SERVER_KEY_FILE_PERMISSIONS');
  });

  it('is refused as unreadable when it is not a key file, naming the path', () => {
    writeFileSync(path, 'garbage', { mode: 0o600 });
    assert.throws(() => readKeyFile(path), (err: unknown) => code(err) === 'SERVER_KEY_FILE_UNREADABLE' && (err as Error).message.includes(path));
    rmSync(path);
    mkdirSync(path, { mode: 0o700 });
    assert.throws(() => readKeyFile(path), (err: unknown) => code(err) === 'SERVER_KEY_FILE_UNREADABLE' && (err as Error).message.includes('not a regular file'));
  });

  it('keeps mode 0600 when replaced', { skip: SKIP_WITHOUT_POSIX_MODES }, () => {
    replaceKeyFile(path, rotateKeyring(createKeyFile(path)));
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('is replaced atomically with a rotated keyring', () => {
    const ring = createKeyFile(path);
    const next = rotateKeyring(ring);
    replaceKeyFile(path, next);
    const read = readKeyFile(path);
    assert.equal(read?.activeId, next.activeId);
    assert.ok(read?.keys.has(ring.activeId));
    assert.deepEqual(readdirSync(dir), ['options.key']);
  });
});
