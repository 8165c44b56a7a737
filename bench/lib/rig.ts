// One relay process and its load-generator processes, for one part of the run. The relay gets a
// fresh process (and AgentDesk a fresh data dir) every time, so one run's memory and state never
// leak into the next.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BENCH_SERVER_LIMITS, HARNESS_LIMITS } from '../bench-limits.js';
import type { GeneratorConfig, RelayKind } from '../load/driver.js';
import type { AdmissionResult, GeneratorRequest, SetupResult, SnapshotPlan, StreamResult } from '../load/generator-protocol.js';
import type { LoopWindow } from '../relays/loop-monitor.js';
import type { RelayReady, RelayRequest, RelayStats } from '../relays/relay-control.js';
import { BenchChild } from './child-process.js';
import { pinProcess, type PinningPlan } from './cpu-pinning.js';
import { cpuPercent, runQueueWaitPercent, sampleProcess, type ProcSample } from './proc-stats.js';

const BENCH_DIR = resolve(import.meta.dirname, '..');
/** How long before the measured window the profilers start (their start stalls the relay). */
const PROFILER_LEAD_MS = 1000;
const REPO_ROOT = resolve(BENCH_DIR, '..');

/** The origin the bench's customer pages claim; it is the only entry of the server's customerOrigins. */
export const BENCH_CUSTOMER_ORIGIN = 'https://shop.bench.agentdesk.test';
/** `aud` of the agents' access tokens when per-agent identity is on. */
export const BENCH_AUDIENCE = 'https://cobrowse.bench.agentdesk.test';

const NOT_PINNED: PinningPlan = { relayCpus: null, generatorCpus: null, note: 'not pinned' };
let pinning: PinningPlan = NOT_PINNED;

/** The run's CPU pinning, applied to every rig started afterwards (bench/run.ts sets it once). */
export function usePinning(plan: PinningPlan): void {
  pinning = plan;
}

/** A helper process of the load side (the identity provider) goes where the generators go. */
export function pinAsLoad(pid: number): void {
  pinProcess(pid, pinning.generatorCpus);
}

export interface RigOptions {
  readonly kind: RelayKind;
  readonly generators: number;
  /** Where logs and CPU profiles of this run go. */
  readonly outDir: string;
  /** A name for the log files of this rig. */
  readonly label: string;
  /** Run the relay with --expose-gc (memory part). */
  readonly gc?: boolean;
  /** More Node flags for the relay (diagnosis: --trace-gc, --cpu-prof). */
  readonly relayNodeFlags?: readonly string[];
  /** Write a CPU profile of the relay's measured window of each stream into outDir. */
  readonly profile?: boolean;
  /** AgentDesk with per-agent identity: the issuer and tokens for the agents. */
  readonly oidc?: { readonly issuer: string; readonly bearerTokens: readonly string[] } | null;
  /** AgentDesk: more customer origins (a real page served on 127.0.0.1 for the customer-cost part). */
  readonly customerOrigins?: readonly string[];
}

export type StreamPlan = Omit<Extract<GeneratorRequest, { op: 'stream' }>, 'op' | 'snapshot'> & { readonly snapshot: Omit<SnapshotPlan, 'send'> | null };

export interface RigStreamResult {
  readonly generators: readonly StreamResult[];
  /** Relay CPU in the measured window, in % of one core. */
  readonly relayCpuPct: number;
  /** Share of the window the relay was runnable but got no CPU (others' load on a shared machine). */
  readonly relayWaitPct: number;
  readonly relayRssBytes: number;
  /** The relay's own view of the window: event-loop delay and GC pauses (null if it could not answer). */
  readonly relayLoop: LoopWindow | null;
}

function agentToken(): string {
  return Array.from({ length: 26 }, () => randomInt(10)).join('');
}

/** A data dir whose store holds the agent token (set with the real CLI) and a config file. */
function prepareAgentDesk(oidc: RigOptions['oidc'], extraOrigins: readonly string[]): { dataDir: string; configFile: string; token: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'agentdesk-bench-'));
  const dataDir = join(root, 'data');
  const token = agentToken();
  const set = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/agentdesk-server.js'), 'options', 'set', 'slave.password', '-', '--data-dir', dataDir], {
    input: token,
    encoding: 'utf8',
    timeout: HARNESS_LIMITS.processStartMs,
  });
  if (set.status !== 0) throw new Error(`agentdesk-server options set failed (${set.status}): ${set.stderr}`);
  const configFile = join(root, 'server.json');
  writeFileSync(
    configFile,
    JSON.stringify({ customerOrigins: [BENCH_CUSTOMER_ORIGIN, ...extraOrigins], agentAuth: 'required', oidc: oidc ? { issuer: oidc.issuer, audience: BENCH_AUDIENCE } : null, limits: BENCH_SERVER_LIMITS }),
  );
  return { dataDir, configFile, token, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export class Rig {
  #sessions = 0;
  #streams = 0;
  /** Profiles that could not be taken; the runs themselves still count. */
  readonly profileErrors: string[] = [];

  private constructor(
    readonly opts: RigOptions,
    readonly relay: BenchChild<RelayReady>,
    readonly gens: readonly BenchChild<{ pid: number }>[],
    /** http://127.0.0.1:PORT of the relay. */
    readonly url: string,
    /** AgentDesk: the agent token set in its store. */
    readonly agentToken: string | null,
    private readonly cleanup: () => void,
  ) {}

  static async start(opts: RigOptions): Promise<Rig> {
    const nodeFlags = [...(opts.gc ? ['--expose-gc'] : []), ...(opts.relayNodeFlags ?? [])];
    const log = (who: string): string => join(opts.outDir, `${opts.label}.${who}.log`);
    let prepared: ReturnType<typeof prepareAgentDesk> | null = null;
    let relayModule: string;
    let relayArgs: string[] = [];
    switch (opts.kind) {
      case 'agentdesk':
        prepared = prepareAgentDesk(opts.oidc, opts.customerOrigins ?? []);
        relayModule = 'relays/agentdesk-relay.ts';
        relayArgs = [prepared.dataDir, prepared.configFile];
        break;
      case 'bare':
        relayModule = 'relays/bare-ws-relay.ts';
        break;
      case 'socketio':
        relayModule = 'relays/socketio-relay.ts';
        break;
    }
    const relay = await BenchChild.start<RelayReady>(`${opts.label} relay`, join(BENCH_DIR, relayModule), relayArgs, { logFile: log('relay'), nodeFlags });
    const url = `http://127.0.0.1:${relay.ready.port}`;
    try {
      pinProcess(relay.pid, pinning.relayCpus);
      const gens = await Promise.all(
        Array.from({ length: opts.generators }, (_, g) => {
          const config: GeneratorConfig = {
            relay: opts.kind,
            url,
            generatorIndex: g,
            ...(prepared ? { agentToken: prepared.token, customerOrigin: BENCH_CUSTOMER_ORIGIN } : {}),
            ...(opts.oidc ? { bearerTokens: opts.oidc.bearerTokens } : {}),
          };
          return BenchChild.start<{ pid: number }>(`${opts.label} generator ${g}`, join(BENCH_DIR, 'load/load-generator.ts'), [JSON.stringify(config)], {
            logFile: log(`gen${g}`),
          }).then((gen) => {
            pinProcess(gen.pid, pinning.generatorCpus);
            return gen;
          });
        }),
      );
      return new Rig(opts, relay, gens, url, prepared?.token ?? null, () => prepared?.cleanup());
    } catch (err) {
      await relay.stop();
      prepared?.cleanup();
      throw err;
    }
  }

  get sessions(): number {
    return this.#sessions;
  }

  /** Opens `total` sessions split over the generators; returns the slowest generator's setup time. */
  async setup(total: number, pair: boolean): Promise<number> {
    const g = this.gens.length;
    const results = await Promise.all(
      this.gens.map((gen, i) => gen.request<SetupResult>({ op: 'setup', count: Math.floor(total / g) + (i < total % g ? 1 : 0), pair }, HARNESS_LIMITS.setupMs)),
    );
    this.#sessions += total;
    return Math.max(...results.map((r) => r.setupMs));
  }

  async pair(): Promise<void> {
    await Promise.all(this.gens.map((gen) => gen.request({ op: 'pair' }, HARNESS_LIMITS.setupMs)));
  }

  relayStats(gc = false): Promise<RelayStats> {
    const req: RelayRequest = { op: 'stats', gc };
    return this.relay.request<RelayStats>(req, HARNESS_LIMITS.stepSlackMs);
  }

  /** Streams on every generator at once; relay CPU is read from /proc at the edges of the measured window. */
  async stream(plan: StreamPlan): Promise<RigStreamResult> {
    const budget = plan.warmupMs + plan.measureMs + plan.drainMs + HARNESS_LIMITS.stepSlackMs;
    const running = Promise.all(
      this.gens.map((gen, i) =>
        gen.request<StreamResult>({ op: 'stream', ...plan, snapshot: plan.snapshot ? { ...plan.snapshot, send: i === 0 } : null }, budget),
      ),
    );
    const profileFile = this.opts.profile ? join(this.opts.outDir, `${this.opts.label}.${++this.#streams}.cpuprofile`) : null;
    // /proc is read at the exact edges of the window; the relay is asked afterwards (it may be busy).
    const at = <T>(ms: number, then: () => Promise<T>): Promise<{ sample: ProcSample; answer: T }> =>
      new Promise((res, rej) =>
        setTimeout(() => {
          const sample = sampleProcess(this.relay.pid);
          then().then((answer) => res({ sample, answer }), rej);
        }, ms),
      );
    // A profile or loop window that fails (a relay too busy to answer in time) must not cost the measurement.
    const ask = async <T>(req: RelayRequest): Promise<T | null> => {
      try {
        return await this.relay.request<T>(req, HARNESS_LIMITS.stepSlackMs);
      } catch (err) {
        this.profileErrors.push(err instanceof Error ? err.message : String(err));
        return null;
      }
    };
    const [, before, after, generators] = await Promise.all([
      // Starting the profiler blocks the relay's loop for hundreds of ms (V8 logs all code): it
      // starts before the window, never inside it.
      at(Math.max(0, plan.warmupMs - PROFILER_LEAD_MS), async () => {
        if (profileFile) {
          await ask({ op: 'profile-start' });
          await ask({ op: 'alloc-start' });
        }
      }),
      at(plan.warmupMs, () => ask({ op: 'window-start' })),
      at(plan.warmupMs + plan.measureMs, async () => {
        const window = await ask<LoopWindow>({ op: 'window-stop' });
        if (profileFile) {
          await ask({ op: 'alloc-stop', file: profileFile.replace(/\.cpuprofile$/, '.heapprofile') });
          await ask({ op: 'profile-stop', file: profileFile });
        }
        return window;
      }),
      running,
    ]);
    return {
      generators,
      relayCpuPct: cpuPercent(before.sample, after.sample, plan.measureMs),
      relayWaitPct: runQueueWaitPercent(before.sample, after.sample, plan.measureMs),
      relayRssBytes: after.sample.rssBytes,
      relayLoop: after.answer,
    };
  }

  async admission(durationMs: number, concurrency: number): Promise<{ generators: AdmissionResult[]; relayCpuPct: number }> {
    const before = sampleProcess(this.relay.pid);
    const started = performance.now();
    const generators = await Promise.all(
      this.gens.map((gen) => gen.request<AdmissionResult>({ op: 'admission', durationMs, concurrency }, durationMs + HARNESS_LIMITS.stepSlackMs)),
    );
    return { generators, relayCpuPct: cpuPercent(before, sampleProcess(this.relay.pid), performance.now() - started) };
  }

  /** CPU of every generator over a window, % of one core each, from their own reports. */
  static generatorCpuPct(results: readonly { cpuUs: number }[], windowMs: number): number[] {
    return results.map((r) => (r.cpuUs / 1000 / windowMs) * 100);
  }

  async stop(): Promise<void> {
    await Promise.all(this.gens.map((gen) => gen.stop()));
    await this.relay.stop();
    this.cleanup();
  }
}
