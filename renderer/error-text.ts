import { ERROR_MESSAGES, isErrorCode } from '../common/errors.js';

/**
 * The words the UI shows for an error that crossed a boundary as {code, message}. A known code
 * always shows the documented message (docs/ERRORS.md), so what a person reads never depends on
 * which process produced it; an unknown code shows the message it came with.
 */
export function errorText(error: { readonly code: string; readonly message?: string }): string {
  if (isErrorCode(error.code)) return ERROR_MESSAGES[error.code];
  return error.message ?? `Something went wrong (${error.code}).`;
}
