// Reads the value of `options set slave.password -` from stdin, so the token need not appear in
// shell history or the process list. From a pipe or file it reads to the end; from a terminal it
// reads one line. One trailing newline is dropped; anything else is left for validation to judge.
import { AgentDeskError } from '../../common/errors.js';
import { MAX_STDIN_TOKEN_BYTES, STDIN_TIMEOUT_MS } from './limits.js';

export interface TokenInput extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
}

export function readStdinToken(input: TokenInput, timeoutMs = STDIN_TIMEOUT_MS): Promise<string> {
  const interactive = input.isTTY === true;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: Error | null): void => {
      clearTimeout(timer);
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.pause();
      if (err) {
        reject(err);
        return;
      }
      resolve(Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, ''));
    };
    const onData = (chunk: Buffer | string): void => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > MAX_STDIN_TOKEN_BYTES) {
        finish(new AgentDeskError('SERVER_AGENT_TOKEN_INVALID', `stdin holds more than ${MAX_STDIN_TOKEN_BYTES} bytes; give only the 26-digit token`));
        return;
      }
      chunks.push(buf);
      if (interactive && buf.includes(0x0a)) finish(null);
    };
    const onEnd = (): void => finish(null);
    const onError = (err: Error): void => finish(err);
    const timer = setTimeout(
      () => finish(new AgentDeskError('SERVER_USAGE', `no token arrived on stdin within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
    input.resume();
  });
}
