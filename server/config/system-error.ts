// A file-system or SQLite failure the CLI meets (a full disk, a read-only mount) as a coded error:
// one line naming the system code, never a stack trace. Anything else stays unexpected.
import { AgentDeskError } from '../../common/errors.js';

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const STORAGE = /^(EIO|EROFS|EACCES|EPERM|EMFILE|ENFILE|ENOTDIR|EISDIR|SQLITE_(IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|PERM)\w*)$/;

export function systemErrorCode(err: unknown): string | null {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : null;
}

/** The coded error for a storage failure, or null when `err` is something else. */
export function storageError(err: unknown): AgentDeskError | null {
  const code = systemErrorCode(err);
  if (code === null) return null;
  if (DISK_FULL.has(code)) return new AgentDeskError('SERVER_DISK_FULL', `the disk is full (${code})`, { cause: err });
  if (STORAGE.test(code)) return new AgentDeskError('SERVER_STORAGE_FAILED', `a data file cannot be read or written (${code})`, { cause: err });
  return null;
}
