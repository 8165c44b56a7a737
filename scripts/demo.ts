// `npm start`: the local demo. Runs the co-browse server as a child process on its embedded
// SQLite data dir (.demo/server, gitignored), sets a random demo agent token on the first run,
// and stops everything cleanly on Ctrl-C. Later parts of the demo (identity provider, desktop)
// join as more children in `main`.
//
// Usage: npm start [-- --port PORT] [--demo-dir DIR]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const serverBin = join(root, 'bin/agentdesk-server.js');
const URL_LINE = 'Co-browse server: ';

interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
}

function runToEnd(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [serverBin, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** A 26-digit token from the OS CSPRNG, digit by digit so every digit is uniform. */
function randomToken(): string {
  return Array.from({ length: 26 }, () => String(randomInt(10))).join('');
}

/** Sets a demo agent token unless one is stored; returns whether it made one. */
async function ensureDemoToken(dataDir: string): Promise<boolean> {
  const got = await runToEnd(['options', 'get', 'slave.password', '--data-dir', dataDir]);
  if (got.code !== 0) throw new Error(`cannot read the demo agent token:\n${got.stderr}`);
  if (got.stdout.startsWith('set')) return false;
  // Through stdin, so the token is never in a process list.
  const set = await runToEnd(['options', 'set', 'slave.password', '-', '--data-dir', dataDir], `${randomToken()}\n`);
  if (set.code !== 0) throw new Error(`cannot set the demo agent token:\n${set.stderr}`);
  return true;
}

/** Starts the server; resolves with its URL once it prints it. Its JSON logs go to `logFile`. */
function startServerChild(dataDir: string, port: string, logFile: string): Promise<{ child: Child; url: string }> {
  const proc = spawn(process.execPath, [serverBin, 'serve', '--data-dir', dataDir, '--port', port], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: Ctrl-C reaches the demo only, which then stops the children in order.
    detached: true,
  });
  const exited = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
  const log = createWriteStream(logFile, { flags: 'a', mode: 0o600 });
  return new Promise((done, fail) => {
    let pending = '';
    let url: string | undefined;
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith(URL_LINE) && url === undefined) {
          url = line.slice(URL_LINE.length).trim();
          done({ child: { name: 'co-browse server', process: proc, exited }, url });
        } else {
          log.write(`${line}\n`);
        }
      }
    });
    void exited.then((code) => {
      log.end();
      if (url === undefined) fail(new Error(`the co-browse server exited with status ${code} before listening`));
    });
  });
}

async function stopAll(children: readonly Child[]): Promise<void> {
  for (const child of [...children].reverse()) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
    await child.exited;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '8700' }, 'demo-dir': { type: 'string', default: join(root, '.demo') } },
    strict: true,
  });
  const demoDir = resolve(values['demo-dir']);
  const dataDir = join(demoDir, 'server');
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  const shown = (path: string): string => (path.startsWith(root) ? relative(root, path) : path);

  const created = await ensureDemoToken(dataDir);
  const logFile = join(demoDir, 'server.log');
  const children: Child[] = [];
  let stopping: Promise<void> | null = null;
  const stop = (): void => {
    if (stopping) return;
    console.log('\nStopping the demo...');
    stopping = stopAll(children);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const server = await startServerChild(dataDir, values.port, logFile);
  children.push(server.child);
  console.log(`${URL_LINE}${server.url}`);
  console.log(
    `Demo agent token: ${created ? 'a new random token was set' : 'the token set on an earlier run'}, stored encrypted in ${shown(dataDir)}.`,
  );
  console.log(`  Show it with: node bin/agentdesk-server.js options get slave.password --reveal --data-dir ${shown(dataDir)}`);
  console.log(`Server log: ${shown(logFile)}. Press Ctrl-C to stop.`);

  const code = await server.child.exited;
  if (stopping) {
    await stopping;
    return 0;
  }
  console.error(`The co-browse server stopped on its own (status ${code}); see ${shown(logFile)}.`);
  await stopAll(children);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
