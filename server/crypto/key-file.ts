// The options key file: read with a permission check, created once (0600, atomically, never over
// an existing file), and replaced atomically when the keyring rotates. Errors name the path and
// never carry key material.
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { AgentDeskError } from '../../common/errors.js';
import { MAX_KEY_FILE_BYTES } from '../config/limits.js';
import { createKeyring, parseKeyring, serializeKeyring, type Keyring } from './keyring.js';

function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function checkPermissions(path: string, stats: Stats): void {
  if (!stats.isFile()) {
    throw new AgentDeskError('SERVER_KEY_FILE_UNREADABLE', `The options key file ${path} is not a regular file.`);
  }
  // POSIX modes do not describe Windows ACLs; there the file lives in the user's profile.
  if (process.platform === 'win32') return;
  const loose = stats.mode & 0o077;
  if (loose !== 0) {
    const mode = (stats.mode & 0o777).toString(8);
    throw new AgentDeskError(
      'SERVER_KEY_FILE_PERMISSIONS',
      `The options key file ${path} is open to other users (mode ${mode}). Run: chmod 600 ${path}`,
    );
  }
}

/** The keyring in `path`, or null when the file does not exist. */
export function readKeyFile(path: string): Keyring | null {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw new AgentDeskError('SERVER_KEY_FILE_UNREADABLE', `The options key file ${path} cannot be read (${errnoCode(err) ?? 'error'}).`, { cause: err });
  }
  checkPermissions(path, stats);
  if (stats.size > MAX_KEY_FILE_BYTES) {
    throw new AgentDeskError('SERVER_KEY_FILE_UNREADABLE', `The options key file ${path} is too large to be a key file.`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AgentDeskError('SERVER_KEY_FILE_UNREADABLE', `The options key file ${path} cannot be read (${errnoCode(err) ?? 'error'}).`, { cause: err });
  }
  try {
    return parseKeyring(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : 'unknown reason';
    throw new AgentDeskError('SERVER_KEY_FILE_UNREADABLE', `The options key file ${path} is not a valid key file: ${why}.`, { cause: err });
  }
}

/** Writes `text` to a fresh temp file next to `path` with mode 0600 and flushes it. */
function writeTempFile(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  // 'wx': the temp name is new; mode 0600 applies from creation, so the key is never readable by others.
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic.
  }
}

/**
 * Creates the key file with a new keyring. link(2) fails when `path` exists, so two processes
 * starting at once cannot overwrite each other's key: the loser reads the winner's file.
 */
export function createKeyFile(path: string): Keyring {
  const ring = createKeyring();
  let temp: string;
  try {
    temp = writeTempFile(path, serializeKeyring(ring));
  } catch (err) {
    throw new AgentDeskError('SERVER_DATA_DIR_UNUSABLE', `The options key file ${path} cannot be created (${errnoCode(err) ?? 'error'}).`, { cause: err });
  }
  try {
    linkSync(temp, path);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') {
      const existing = readKeyFile(path);
      if (existing) return existing;
    }
    throw new AgentDeskError('SERVER_DATA_DIR_UNUSABLE', `The options key file ${path} cannot be created (${errnoCode(err) ?? 'error'}).`, { cause: err });
  } finally {
    unlinkSync(temp);
  }
  syncDir(dirname(path));
  return ring;
}

/** Replaces the key file with `ring` atomically (temp file, then rename over the old one). */
export function replaceKeyFile(path: string, ring: Keyring): void {
  const temp = writeTempFile(path, serializeKeyring(ring));
  try {
    renameSync(temp, path);
  } catch (err) {
    unlinkSync(temp);
    throw err;
  }
  syncDir(dirname(path));
}
