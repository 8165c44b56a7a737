import type { Logger } from 'pino';

/** The part of a pino logger the sign-in service writes to. Nothing token-like is ever passed in. */
export type AuthLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
