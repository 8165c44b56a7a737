// haproxy and nginx from Debian, run in the foreground by a test with the example configs of
// docs/examples/ (the {{NAMES}} filled in with temp paths and free ports on 127.0.0.1).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestTls } from '../../../support/test-tls.js';

const EXAMPLES = resolve(import.meta.dirname, '../../../../docs/examples');

export interface RunningProxy {
  readonly name: 'haproxy' | 'nginx';
  /** https://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** The example file with every {{NAME}} replaced; an unfilled name fails the test. */
export function filledExample(file: string, values: Readonly<Record<string, string>>): string {
  const text = readFileSync(join(EXAMPLES, file), 'utf8').replace(/\{\{([A-Z0-9_]+)\}\}/g, (whole, name: string) => values[name] ?? whole);
  // Comments may mention the placeholders in general ({{NAMES}}); directives must not keep any.
  const left = text.split('\n').filter((l) => !l.trim().startsWith('#') && /\{\{[A-Z0-9_]+\}\}/.test(l));
  if (left.length > 0) throw new Error(`${file}: unfilled ${left.join(' | ')}`);
  return text;
}

async function untilListening(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 10_000) {
    if (child.exitCode !== null) throw new Error(`proxy exited ${child.exitCode}: ${output()}`);
    const up = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`proxy did not listen on ${port}: ${output()}`);
}

export async function startProxy(name: 'haproxy' | 'nginx', backendPort: number, tls: TestTls): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), `agentdesk-${name}-`));
  // nginx workers run as nobody and need the temp paths.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const cert = join(dir, 'server.pem');
  const key = join(dir, 'server.key');
  writeFileSync(cert, tls.certPem);
  writeFileSync(key, tls.keyPem, { mode: 0o600 });
  let args: string[];
  if (name === 'haproxy') {
    const both = join(dir, 'server-with-key.pem');
    writeFileSync(both, `${tls.certPem}\n${tls.keyPem}`, { mode: 0o600 });
    const config = join(dir, 'haproxy.cfg');
    writeFileSync(config, filledExample('haproxy.cfg', { LISTEN: `127.0.0.1:${port}`, CERT_PEM: both, NODE1: `127.0.0.1:${backendPort}` }));
    args = ['-f', config, '-db'];
  } else {
    const config = join(dir, 'nginx.conf');
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${join(dir, k)};`).join('\n    ');
    writeFileSync(
      config,
      filledExample('nginx.conf', {
        TOP_LEVEL: `pid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')} warn;\nworker_processes 1;`,
        HTTP_LEVEL: `access_log off;\n    ${temp}`,
        LISTEN: `127.0.0.1:${port}`,
        CERT: cert,
        KEY: key,
        NODE1: `127.0.0.1:${backendPort}`,
      }),
    );
    args = ['-c', config, '-p', dir, '-g', 'daemon off;'];
  }
  const child = spawn(name === 'haproxy' ? '/usr/sbin/haproxy' : '/usr/sbin/nginx', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  await untilListening(port, child, () => output + (name === 'nginx' ? safeRead(join(dir, 'error.log')) : ''));
  return {
    name,
    port,
    url: `https://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
