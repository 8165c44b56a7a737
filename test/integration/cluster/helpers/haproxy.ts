// A real haproxy (Debian's package) in front of the test nodes, as the cluster runs in production:
// round robin, no stickiness, health checks on GET /readyz, WebSocket-friendly timeouts. Runs in
// the foreground (-db) with the config written to a temp dir, stopped by pid (or by the kernel when this process dies).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryPath } from './binaries.js';
import { boundToParent, killPid, stopOnExit, waitUntil } from './child-processes.js';
import { freePort } from './free-port.js';

export interface HaproxyBackend {
  readonly name: string;
  readonly port: number;
}

export interface Haproxy {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  stop(): Promise<void>;
}

export interface HaproxyOptions {
  readonly backends: readonly HaproxyBackend[];
  /** The frontend's port; default a free one. */
  readonly port?: number;
  /** Health-check interval; a dead node leaves the pool after `fall` failed checks. */
  readonly checkIntervalMs?: number;
}

/** The config the tests and the demo cluster use; docs/DEPLOYMENT.md explains each setting. */
export function haproxyConfig(port: number, opts: HaproxyOptions): string {
  const inter = opts.checkIntervalMs ?? 500;
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // An open WebSocket is idle between heartbeats; the tunnel timeout must outlast them.
    '  timeout tunnel 1h',
    '  timeout client-fin 5s',
    '  option redispatch',
    '  retries 2',
    `frontend cobrowse`,
    `  bind 127.0.0.1:${port}`,
    '  option forwardfor',
    '  default_backend nodes',
    'backend nodes',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    `  default-server inter ${inter} fall 2 rise 2 fastinter ${Math.max(100, Math.floor(inter / 2))}`,
    ...opts.backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`),
    '',
  ].join('\n');
}

export async function startHaproxy(opts: HaproxyOptions): Promise<Haproxy> {
  const root = mkdtempSync(join(tmpdir(), 'agentdesk-haproxy-'));
  const port = opts.port ?? (await freePort());
  const file = join(root, 'haproxy.cfg');
  writeFileSync(file, haproxyConfig(port, opts));
  let output = '';
  const [bin, args] = boundToParent(binaryPath('haproxy'), ['-f', file, '-db']);
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-4000)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-4000)));
  const unregister = stopOnExit(() => {
    killPid(child.pid);
    rmSync(root, { recursive: true, force: true });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntil(`haproxy on port ${port}`, async () => {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${output}`);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
    return res !== null;
  }, 10_000).catch((err: unknown) => {
    killPid(child.pid);
    throw new Error(`haproxy did not start: ${output}`, { cause: err });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      killPid(child.pid, 'SIGTERM');
      await exited;
      unregister();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
