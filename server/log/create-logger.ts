// The server's logger: pino, JSON lines on stdout, with secrets removed before a line is written.
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { REDACTED, REDACT_PATHS, maskDigitRuns, redactSecretFields } from './redact.js';

export interface CreateLoggerOptions {
  /** Default `info`. */
  readonly level?: LevelWithSilent;
  /** Where the JSON lines go; default stdout. Tests pass a stream to read them. */
  readonly destination?: DestinationStream;
  /** Fields added to every line, e.g. `{ service: 'agentdesk-server' }`. */
  readonly base?: Record<string, unknown>;
}

export function createLogger(opts: CreateLoggerOptions = {}): Logger {
  const options = {
    level: opts.level ?? 'info',
    base: opts.base ?? { service: 'agentdesk-server' },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: {
      log: (object: Record<string, unknown>) => redactSecretFields(object) as Record<string, unknown>,
    },
    // The safety net: whatever field or message a token hides in, its digits never leave.
    hooks: { streamWrite: maskDigitRuns },
  };
  const logger = opts.destination ? pino(options, opts.destination) : pino(options, pino.destination({ dest: 1, sync: true }));
  // pino applies no formatter to child bindings, so they are redacted on the way in. Children are
  // created with Object.create(parent) and inherit this wrapper, grandchildren included.
  const originalChild = logger.child;
  logger.child = function redactingChild(this: Logger, bindings, childOptions) {
    return originalChild.call(this, redactSecretFields(bindings) as typeof bindings, childOptions);
  } as typeof logger.child;
  return logger;
}
