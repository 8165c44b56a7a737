// Where the server's JSON lines go in production: stdout through sonic-boom in asynchronous mode,
// so a slow log reader (a full pipe, a stalled shipper) never blocks the relay. Past
// LOG_LIMITS.bufferBytes waiting to be written, new lines are dropped and counted (metric
// agentdesk_log_lines_dropped_total) rather than held in memory or written synchronously.
import { pino } from 'pino';
import { LOG_LIMITS } from '../limits.js';

export interface LogDrops {
  readonly lines: number;
  readonly bytes: number;
}

export interface LogDestination {
  readonly stream: ReturnType<typeof pino.destination>;
  /** Lines dropped so far because the reader was too slow. */
  drops(): LogDrops;
  /** Writes what is buffered before the process exits, for at most LOG_LIMITS.exitFlushMs (call once, at exit). */
  flush(): Promise<void>;
}

export function createLogDestination(fd = 1, bufferBytes: number = LOG_LIMITS.bufferBytes): LogDestination {
  // pino.destination is sonic-boom; maxLength makes it drop (and emit 'drop') instead of growing.
  const stream = pino.destination({ dest: fd, sync: false, maxLength: bufferBytes, minLength: 0 });
  let lines = 0;
  let bytes = 0;
  stream.on('drop', (data: string | Buffer) => {
    const text = typeof data === 'string' ? data : data.toString('utf8');
    lines += Math.max(1, text.split('\n').length - 1);
    bytes += Buffer.byteLength(text);
  });
  // A reader that went away (EPIPE) must not crash the server; the lines are lost either way.
  stream.on('error', () => {});
  return {
    stream,
    drops: () => ({ lines, bytes }),
    flush: () =>
      new Promise<void>((done) => {
        const finish = (): void => {
          clearTimeout(timer);
          // pino flushes synchronously again on 'exit'; sonic-boom's flushSync retries a failed write
          // (EPIPE from a reader that is gone) forever, which hung the server at exit. What is left
          // after the bounded asynchronous flush is dropped instead.
          stream.flushSync = () => {};
          done();
        };
        const timer = setTimeout(finish, LOG_LIMITS.exitFlushMs);
        try {
          stream.flush(() => finish());
        } catch {
          finish();
        }
      }),
  };
}
