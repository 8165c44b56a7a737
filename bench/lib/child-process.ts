// The orchestrator's side of every bench process (relays, load generators, the identity
// provider): fork with tsx, one JSON request/answer at a time over IPC, every wait bounded, and
// every child killed when the orchestrator exits for any reason.
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { HARNESS_LIMITS } from '../bench-limits.js';

interface Answer {
  readonly id: number;
  readonly ok: boolean;
  readonly body?: unknown;
  readonly error?: string;
}

const living = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of living) child.kill('SIGKILL');
});

export interface ForkOptions {
  /** stdout and stderr of the child go to this file (server logs, crashes). */
  readonly logFile: string;
  /** Extra Node flags, e.g. --cpu-prof or --expose-gc. */
  readonly nodeFlags?: readonly string[];
}

export class BenchChild<Ready> {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #exited = false;
  readonly #exit: Promise<void>;

  private constructor(
    child: ChildProcess,
    readonly name: string,
    readonly ready: Ready,
  ) {
    this.#child = child;
    this.#exit = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (raw) => {
      const answer = raw as Answer;
      const waiter = this.#pending.get(answer.id);
      if (!waiter) return;
      this.#pending.delete(answer.id);
      if (answer.ok) waiter.resolve(answer.body);
      else waiter.reject(new Error(`${name}: ${answer.error ?? 'failed'}`));
    });
    child.once('exit', (code, signal) => {
      this.#exited = true;
      living.delete(child);
      for (const waiter of this.#pending.values()) waiter.reject(new Error(`${name} exited (${code ?? signal}) during a request`));
      this.#pending.clear();
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Starts `modulePath` and waits for its `{ready: ...}` message. */
  static async start<R>(name: string, modulePath: string, args: readonly string[], opts: ForkOptions): Promise<BenchChild<R>> {
    const log = openSync(opts.logFile, 'a');
    const child = fork(modulePath, [...args], {
      execArgv: ['--import', 'tsx', ...(opts.nodeFlags ?? [])],
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    living.add(child);
    const ready = await new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${HARNESS_LIMITS.processStartMs} ms (log: ${opts.logFile})`));
      }, HARNESS_LIMITS.processStartMs);
      child.once('message', (msg) => {
        clearTimeout(timer);
        resolve((msg as { ready: R }).ready);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) before it was ready (log: ${opts.logFile})`));
      });
    });
    return new BenchChild<R>(child, name, ready);
  }

  request<T>(body: unknown, timeoutMs: number): Promise<T> {
    if (this.#exited) return Promise.reject(new Error(`${this.name} is not running`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#child.send({ id, body });
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited in time (a --cpu-prof child writes its profile on exit). */
  async stop(): Promise<void> {
    if (this.#exited) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), HARNESS_LIMITS.stopMs);
    await this.#exit;
    clearTimeout(timer);
  }
}

// ---- the child's side ----

/** Tells the orchestrator the child is ready (a port, a pid...). */
export function announceReady(info: unknown): void {
  process.send!({ ready: info });
}

/**
 * Answers the orchestrator's requests one by one, in order: a request starts only once the one
 * before it has finished (a busy child must not run "stop profiling" before "start"). A thrown
 * error becomes a failed answer.
 */
export function serveRequests(handle: (body: unknown) => Promise<unknown>): void {
  let previous: Promise<unknown> = Promise.resolve();
  process.on('message', (raw) => {
    const { id, body } = raw as { id: number; body: unknown };
    previous = previous.then(() =>
      handle(body).then(
        (answer) => process.send!({ id, ok: true, body: answer }),
        (err: unknown) => process.send!({ id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      ),
    );
  });
  // The orchestrator going away must not leave this process behind.
  process.on('disconnect', () => process.exit(0));
}

/** Exits cleanly on SIGTERM (so --cpu-prof writes its profile) after `cleanup`. */
export function exitOnSigterm(cleanup: () => Promise<void> = async () => {}): void {
  process.once('SIGTERM', () => {
    const force = setTimeout(() => process.exit(0), HARNESS_LIMITS.stopMs - 1000);
    void cleanup().finally(() => {
      clearTimeout(force);
      process.exit(0);
    });
  });
}
