// The CLI's stable exit statuses (sysexits.h names) and which error codes lead to which.
import type { ErrorCode } from '../../common/errors.js';

export const EXIT_OK = 0;
export const EXIT_UNEXPECTED = 1;
/** EX_USAGE: the command line is wrong; the usage text is printed. */
export const EXIT_USAGE = 64;
/** EX_CONFIG: configuration or stored data is wrong; nothing was changed. */
export const EXIT_CONFIG = 78;

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['SERVER_USAGE', 'SERVER_OPTION_UNKNOWN', 'SERVER_AGENT_TOKEN_INVALID', 'SERVER_ADMIN_KEY_INVALID']);
const CONFIG_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'SERVER_CONFIG_INVALID',
  'SERVER_DATA_DIR_UNUSABLE',
  'SERVER_KEY_FILE_MISSING',
  'SERVER_KEY_FILE_UNREADABLE',
  'SERVER_KEY_FILE_PERMISSIONS',
  'SERVER_OPTION_UNREADABLE',
  'SERVER_STORED_AGENT_TOKEN_INVALID',
  'SERVER_LISTEN_FAILED',
  'SERVER_DISK_FULL',
  'SERVER_STORAGE_FAILED',
  'SERVER_PLAIN_HTTP_REFUSED',
  'SERVER_TLS_FILES_UNUSABLE',
  'SERVER_DURABLE_STORE_UNREACHABLE',
  'SERVER_CLUSTER_UNAVAILABLE',
  'SERVER_DATABASE_GONE',
]);

export function exitCodeFor(code: ErrorCode): number {
  if (USAGE_CODES.has(code)) return EXIT_USAGE;
  if (CONFIG_CODES.has(code)) return EXIT_CONFIG;
  return EXIT_UNEXPECTED;
}

/** Whether the usage text helps: the command line itself was wrong, not the value given. */
export function showsUsage(code: ErrorCode): boolean {
  return code === 'SERVER_USAGE' || code === 'SERVER_OPTION_UNKNOWN';
}
