// Servers started by a test must not outlive it, even when the test process fails or is killed
// by the runner's timeout: every helper registers a synchronous stop here, run on exit.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const stops = new Map<number, () => void>();
let next = 0;
let installed = false;

function stopAll(): void {
  for (const stop of stops.values()) {
    try {
      stop();
    } catch {
      // Best effort: the process may already be gone.
    }
  }
  stops.clear();
}

/** Registers a synchronous stop; returns the function that unregisters it. */
export function stopOnExit(stop: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', stopAll);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        stopAll();
        process.kill(process.pid, signal);
      });
    }
  }
  const id = next++;
  stops.set(id, stop);
  return () => stops.delete(id);
}

export function killPid(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(file: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 30_000, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws naming `what`). */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000, everyMs = 25): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not yet.
    }
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

const SETPRIV = '/usr/bin/setpriv';

function hasSetpriv(): boolean {
  try {
    accessSync(SETPRIV, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The command line that runs `file args` so that the kernel sends it `signal` when this process
 * dies, even by SIGKILL, which no exit handler sees (util-linux setpriv, PR_SET_PDEATHSIG; kept
 * across its exec). Without setpriv the command runs as is and only the exit handlers stop it.
 */
export function boundToParent(file: string, args: readonly string[], signal: NodeJS.Signals = 'SIGKILL'): [string, string[]] {
  return hasSetpriv() ? [SETPRIV, ['--pdeathsig', signal, '--', file, ...args]] : [file, [...args]];
}

/**
 * For a server that daemonizes (pg_ctl start): a small guard process that runs `cleanup` when
 * this process dies, however it dies. Send the guard SIGUSR1 to retire it without the cleanup.
 */
export function cleanupOnParentDeath(cleanup: readonly string[]): ChildProcess | null {
  if (!hasSetpriv()) return null;
  // SIGTERM from the kernel runs the trap (`wait` returns at once on a trapped signal), which ends
  // the nap too, so nothing of the guard outlives it.
  const script = 'trap \'kill $nap; "$@"; exit 0\' TERM; trap \'kill $nap; exit 0\' USR1; while :; do sleep 3600 & nap=$!; wait $nap; done';
  const [file, args] = boundToParent('bash', ['-c', script, 'guard', ...cleanup], 'SIGTERM');
  const guard = spawn(file, args, { stdio: 'ignore' });
  guard.unref();
  return guard;
}
