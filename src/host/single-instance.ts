// Single-instance hand-over for the browser shell, the counterpart of Electron's
// requestSingleInstanceLock + 'second-instance': the first instance listens on a local socket in
// its data dir; a later launch (the OS handing it a custom-scheme URL) passes its arguments to
// the first and exits.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HANDOVER_MAX_BYTES, HANDOVER_TIMEOUT_MS, UNIX_SOCKET_PATH_MAX } from './limits.js';

export type HandoverListener = (argv: readonly string[]) => void;

export type InstanceRole =
  | { readonly role: 'primary'; close(): Promise<void> }
  | { readonly role: 'secondary' };

/** The local socket (Unix) or named pipe (Windows) of the instance that owns this data dir. */
export function instanceSocketPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  if (platform === 'win32') return `\\\\.\\pipe\\agentdesk-${digest}`;
  const inDataDir = join(dataDir, 'agentdesk.sock');
  return Buffer.byteLength(inDataDir) <= UNIX_SOCKET_PATH_MAX ? inDataDir : join(tmpdir(), `agentdesk-${digest}.sock`);
}

/**
 * Becomes the primary instance, or hands `argv` to the running one. The primary calls `onHandover`
 * with each later launch's arguments; the caller decides which of them (if any) is a callback URL.
 */
export async function claimInstance(dataDir: string, argv: readonly string[], onHandover: HandoverListener): Promise<InstanceRole> {
  const path = instanceSocketPath(dataDir);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await handOver(path, argv)) return { role: 'secondary' };
    // Nobody answered: a socket file left by a crashed instance is stale, so remove it and listen.
    if (process.platform !== 'win32') rmSync(path, { force: true });
    const server = await listen(path, onHandover).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') return null; // another instance won the race: hand over to it
      throw error;
    });
    if (server) {
      return {
        role: 'primary',
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
          }),
      };
    }
  }
  throw new Error(`Could not become or reach the AgentDesk instance at ${path}.`);
}

function listen(path: string, onHandover: HandoverListener): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => receive(socket, onHandover));
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function receive(socket: Socket, onHandover: HandoverListener): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.setTimeout(HANDOVER_TIMEOUT_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > HANDOVER_MAX_BYTES) {
      socket.destroy();
      return;
    }
    const newline = buffered.indexOf('\n');
    if (newline < 0) return;
    const argv = parseHandover(buffered.slice(0, newline));
    socket.end(argv ? 'ok\n' : 'bad\n');
    if (argv) onHandover(argv);
  });
}

function parseHandover(line: string): string[] | null {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || !('argv' in value)) return null;
    const { argv } = value;
    if (!Array.isArray(argv) || !argv.every((a): a is string => typeof a === 'string')) return null;
    return argv;
  } catch {
    return null;
  }
}

/** True when a running instance took the arguments; false when there is none to take them. */
function handOver(path: string, argv: readonly string[]): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('The running AgentDesk instance did not answer. Close it and start AgentDesk again.'));
    }, HANDOVER_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ argv })}\n`));
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => {
      clearTimeout(timer);
      if (answer.startsWith('ok')) resolve(true);
      else reject(new Error('The running AgentDesk instance refused the hand-over.'));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(false);
      else reject(error);
    });
  });
}
