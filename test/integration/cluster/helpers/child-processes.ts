// Servers started by a test must not outlive it, even when the test process fails or is killed
// by the runner's timeout: every helper registers a synchronous stop here, run on exit.
import { execFileSync } from 'node:child_process';

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
