import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly code?: string;
  readonly remote?: string;
  readonly [key: string]: unknown;
}

/** A real pino logger whose JSON lines are kept in memory for assertions. */
export function capturedLogger(): { logger: Logger; lines: () => LogLine[]; raw: () => string; warnings: (code: string) => LogLine[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const raw = (): string => chunks.join('');
  const lines = (): LogLine[] =>
    raw()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as LogLine);
  return { logger, lines, raw, warnings: (code) => lines().filter((l) => l.level === 40 && l.code === code) };
}
