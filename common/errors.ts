import { AUTH_ERRORS } from './error-codes/auth.js';
import { DESKTOP_ERRORS } from './error-codes/desktop.js';
import { ELECTRON_ERRORS } from './error-codes/electron.js';
import { SERVER_ERRORS } from './error-codes/server.js';

/** Every error code the product can show, mapped to the message a person reads. */
export const ERROR_MESSAGES = { ...SERVER_ERRORS, ...AUTH_ERRORS, ...DESKTOP_ERRORS, ...ELECTRON_ERRORS } as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** The shape an error takes when it crosses IPC, HTTP or a WebSocket. */
export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
}

/** "code → `{code, message}` body", written once: the message a person reads for the code. */
export function errorBody(code: ErrorCode): ErrorBody {
  return { code, message: ERROR_MESSAGES[code] };
}

/**
 * A code that came from elsewhere (a server, an older or newer peer) as a body: a known code gets
 * its own message; an unknown one keeps the sender's message, else `fallback`'s.
 */
export function foreignErrorBody(code: string, senderMessage: string | undefined, fallback: ErrorCode): { readonly code: string; readonly message: string } {
  if (isErrorCode(code)) return errorBody(code);
  return { code, message: senderMessage ?? ERROR_MESSAGES[fallback] };
}

/** The one error class of the product: a stable code, a human message, the cause kept. */
export class AgentDeskError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_MESSAGES[code], options);
    this.name = 'AgentDeskError';
    this.code = code;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_MESSAGES, value);
}
