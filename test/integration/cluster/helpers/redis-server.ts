// A real redis-server (Debian's package) on 127.0.0.1 and a free port, no persistence, its own
// process (not daemonized) so it is stopped by pid, and stopped by the kernel if this process dies. stop() then start() keeps the port, which is
// how a test shows the server riding out a Redis restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { binaryPath } from './binaries.js';
import { boundToParent, killPid, stopOnExit, waitUntil } from './child-processes.js';
import { freePort } from './free-port.js';

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  readonly running: boolean;
  /** Stops the server (SIGKILL by default: the abrupt loss a node sees when Redis dies). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, empty (no persistence). */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a Redis that holds its connections open but answers nothing (a stall). */
  pause(): void;
  resume(): void;
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end('PING\r\n');
      socket.once('data', (d) => resolve(d.toString().startsWith('+PONG')));
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let unregister: (() => void) | null = null;
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const [file, args] = boundToParent(binaryPath('redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'yes']);
    const proc = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-4000)));
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-4000)));
    unregister = stopOnExit(() => killPid(proc.pid));
    try {
      await waitUntil(`redis-server on port ${port}`, async () => {
        if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode}): ${output}`);
        return acceptsConnections(port);
      }, 10_000);
    } catch (err) {
      killPid(proc.pid);
      throw new Error(`redis-server did not start on ${port}: ${output}`, { cause: err });
    }
  };

  const api: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    async stop(signal = 'SIGKILL') {
      const proc = child;
      if (!proc) return;
      child = null;
      const gone = new Promise<void>((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve())));
      killPid(proc.pid, signal);
      await gone;
      unregister?.();
    },
    async start() {
      if (api.running) return;
      await launch();
    },
    pause() {
      killPid(child?.pid, 'SIGSTOP');
    },
    resume() {
      killPid(child?.pid, 'SIGCONT');
    },
  };
  await launch();
  return api;
}
