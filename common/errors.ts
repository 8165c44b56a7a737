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
