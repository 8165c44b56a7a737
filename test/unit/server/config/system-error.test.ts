import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { storageError } from '../../../../server/config/system-error.js';

function thrownBy(f: () => void): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('storage failures as coded CLI errors', () => {
  it('a full disk (a real ENOSPC from /dev/full) is SERVER_DISK_FULL naming the system code', () => {
    const err = storageError(thrownBy(() => writeFileSync('/dev/full', 'x')));
    assert.equal(err?.code, 'SERVER_DISK_FULL');
    assert.match(err?.message ?? '', /\(ENOSPC\)/);
    assert.equal(storageError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))?.code, 'SERVER_DISK_FULL');
  });

  it('other file-system failures are SERVER_STORAGE_FAILED; anything else is not a storage error', () => {
    const denied = storageError(thrownBy(() => writeFileSync('/proc/version', 'x')));
    assert.equal(denied?.code, 'SERVER_STORAGE_FAILED');
    assert.equal(storageError(Object.assign(new Error('x'), { code: 'SQLITE_IOERR_SHMSIZE' }))?.code, 'SERVER_STORAGE_FAILED');
    assert.equal(storageError(new TypeError('a bug')), null);
    assert.equal(storageError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), null);
  });
});
