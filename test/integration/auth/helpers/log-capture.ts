import { pino, type Logger } from 'pino';

/** A real pino logger at debug level whose output the test can read back. */
export function captureLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join('') };
}
