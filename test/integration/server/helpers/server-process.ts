// Runs the real agentdesk-server (node bin/agentdesk-server.js) as a child process, for
// integration tests of the CLI and of the running server. Data dirs live under os.tmpdir().
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
const BIN = join(REPO_ROOT, 'bin/agentdesk-server.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunCliOptions {
  /** Written to the child's stdin, which is then closed. */
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Extra spawn options, e.g. `uid`/`gid` to run as another user. */
  readonly spawn?: Pick<SpawnOptions, 'uid' | 'gid' | 'env'>;
}

/** Runs one agentdesk-server command to completion. */
export function runCli(args: readonly string[], opts: RunCliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], ...opts.spawn });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agentdesk-server ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 30_000} ms; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    child.stdin!.end(opts.input ?? '');
  });
}

export interface ServerProcess {
  readonly child: ChildProcess;
  /** From the `Co-browse server: URL` line. */
  readonly url: string;
  readonly port: number;
  /** Every stdout line so far (JSON log lines and the human line). */
  stdoutLines(): string[];
  /** The JSON log lines so far, parsed. */
  logs(): Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log line (already written or to come) that matches. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends `signal` (default SIGTERM) and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartServerProcessOptions {
  readonly dataDir: string;
  /** More flags, e.g. ['--config', file]. `--port 0` is added unless a --port is given. */
  readonly args?: readonly string[];
  readonly startTimeoutMs?: number;
  /** Extra environment variables for the child (added to this process's environment). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts `agentdesk-server serve` on 127.0.0.1 and a free port, and resolves once it printed its
 * URL. Rejects with the exit status and stderr if it ends first.
 */
export function startServerProcess(opts: StartServerProcessOptions): Promise<ServerProcess> {
  const extra = opts.args ?? [];
  const args = ['serve', '--data-dir', opts.dataDir, '--host', '127.0.0.1', ...(extra.includes('--port') ? [] : ['--port', '0']), ...extra];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}) });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const lineWaiters = new Set<() => void>();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const wake of lineWaiters) wake();
  });
  const parsedLogs = (): Record<string, unknown>[] => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

  const api = (url: string): ServerProcess => ({
    child,
    url,
    port: Number(new URL(url).port),
    stdoutLines: () => [...lines],
    logs: parsedLogs,
    stderr: () => stderr,
    waitForLog(match, timeoutMs = 5_000) {
      return new Promise((res, rej) => {
        const check = (): boolean => {
          const hit = parsedLogs().find(match);
          if (!hit) return false;
          clearTimeout(timer);
          lineWaiters.delete(wake);
          res(hit);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          lineWaiters.delete(wake);
          rej(new Error(`no matching log line within ${timeoutMs} ms; logs: ${lines.join('\n')}`));
        }, timeoutMs);
        lineWaiters.add(wake);
        check();
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  });

  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`agentdesk-server did not print its URL within ${opts.startTimeoutMs ?? 20_000} ms; stderr: ${stderr}`));
    }, opts.startTimeoutMs ?? 20_000);
    const wake = (): void => {
      const line = lines.find((l) => l.startsWith('Co-browse server: '));
      if (!line) return;
      clearTimeout(timer);
      lineWaiters.delete(wake);
      res(api(line.slice('Co-browse server: '.length).trim()));
    };
    lineWaiters.add(wake);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      lineWaiters.delete(wake);
      rej(Object.assign(new Error(`agentdesk-server exited (${code ?? signal}) before listening; stderr: ${stderr}`), { code, stderr }));
    });
  });
}

/** A fresh temp dir; `dataDir` inside it does not exist yet (the server creates it). */
export function tempServerDir(prefix = 'agentdesk-server-'): { root: string; dataDir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return { root, dataDir: join(root, 'data'), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Names of the files under `dir` whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle, 'latin1');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => {
    const path = join(dir, name);
    return statSync(path).isFile() && readFileSync(path).includes(bytes);
  });
}

/** Every file under `dir` with its bytes, to prove later that nothing changed. */
export function snapshotFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out.set(name, readFileSync(path));
  }
  return out;
}
