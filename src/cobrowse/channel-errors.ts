// Errors and logging shared by the agent link and the live session on it.
import type { UiError } from '../../common/api.js';
import { AgentDeskError, foreignErrorBody, type ERROR_MESSAGES } from '../../common/errors.js';

/** The two log levels the channel uses; a pino logger fits. Never given a token. */
export interface ChannelLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** A code from the server (or the channel) as the UI shows it; an unknown code gets `fallback`. */
export function knownError(code: string, fallback?: string): UiError {
  return foreignErrorBody(code, fallback, 'COBROWSE_REFUSED');
}

export function errorOf(cause: unknown, fallback: keyof typeof ERROR_MESSAGES): UiError {
  return cause instanceof AgentDeskError ? cause.toBody() : knownError(fallback);
}
