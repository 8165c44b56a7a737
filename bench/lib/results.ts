// The shape of bench/results.json: every number the table shows, plus enough detail (CPU of
// each process, send lag, setup time) to tell a relay limit from a load-generator limit.
import type { ClusterResult } from '../parts/cluster.js';
import type { RelayKind } from '../load/driver.js';
import type { LoopWindow } from '../relays/loop-monitor.js';
import type { PinningPlan } from './cpu-pinning.js';
import type { LatencySummary } from './histogram.js';

export interface StreamRow {
  readonly relay: RelayKind;
  readonly sessions: number;
  readonly rateHz: number;
  readonly frameBytes: number;
  readonly offeredFps: number;
  readonly deliveredFps: number;
  /** Measured frames that had not arrived when the drain ended. */
  readonly lost: number;
  readonly outOfOrder: number;
  readonly latency: LatencySummary;
  readonly relayCpuPct: number;
  /** Share of the window the relay was runnable but had no CPU: high means the machine, not the relay, was the limit. */
  readonly relayWaitPct: number;
  readonly relayRssMb: number;
  /** Each generator's CPU in the measured window, % of one core. */
  readonly generatorCpuPct: readonly number[];
  /** p99 of how late sends left against their schedule: a busy generator shows here first. */
  readonly sendLagP99Ms: number | null;
  readonly setupMs: number;
  /** The relay's event-loop delay and GC pauses in the measured window (null: it did not answer; absent before issue 15). */
  readonly relayLoop?: LoopWindow | null;
  /** 1-minute load average of the machine at the end of the window (absent before issue 15). */
  readonly loadAvg1?: number;
}

export interface BurstRow {
  readonly relay: RelayKind;
  readonly sessions: number;
  readonly snapshotBytes: number;
  readonly snapshotsSent: number;
  readonly snapshotsReceived: number;
  /** Customer send → agent receive of the whole snapshot. */
  readonly snapshot: LatencySummary;
  /** Other sessions' incremental frames sent within the burst window after a snapshot. */
  readonly othersDuringBurst: LatencySummary;
  readonly othersCalm: LatencySummary;
  /** The same sessions without snapshots, just before (the plain 20 frames/s run). */
  readonly baseline: LatencySummary;
  readonly lost: number;
  readonly relayCpuPct: number;
  readonly generatorCpuPct: readonly number[];
}

export interface CapacityRow {
  readonly relay: RelayKind;
  readonly sessions: number;
  readonly p99BoundMs: number;
  /** Highest delivered frames/s of a step with p99 within the bound and nothing lost; null if none. */
  readonly bestFps: number | null;
  readonly bestP99Ms: number | null;
  readonly steps: readonly StreamRow[];
}

export interface AdmissionRow {
  readonly mode: 'agentdesk-token' | 'agentdesk-token-jwt' | 'bare-ws';
  /** With `admissionConcurrency` handshakes in flight per generator: the sustained rate and its latency. */
  readonly handshakesPerS: number;
  readonly latency: LatencySummary;
  /** One handshake at a time per generator: what one agent waits. */
  readonly unloadedLatency: LatencySummary;
  readonly failures: number;
  readonly firstError: string | null;
  readonly relayCpuPct: number;
  readonly generatorCpuPct: readonly number[];
}

export interface MemoryRow {
  readonly relay: RelayKind;
  readonly connections: number;
  /** After a full GC: the fresh process, then idle connections, then the same as active sessions. */
  readonly baselineRssMb: number;
  readonly idleRssMb: number;
  readonly activeRssMb: number;
  readonly idleKbPerConnection: number;
  readonly activeKbPerSession: number;
  readonly idleHeapKbPerConnection: number;
  readonly setupMs: number;
}

export interface CustomerCostRow {
  readonly page: string;
  readonly what: string;
  readonly nodes: number;
  readonly snapshotMs: number;
  /** The snapshot frame as it crossed the wire (compressed when the browser could). */
  readonly snapshotBytes: number;
  /** Its JSON text before compression (absent before issue 15). */
  readonly snapshotJsonBytes?: number | null;
  /** Main-thread busy time per second while the page mutates, without and with capture (null: page not mutated). */
  readonly mainThreadMsPerSBaseline: number | null;
  readonly mainThreadMsPerSCapturing: number | null;
  /** The JavaScript part of it (CDP ScriptDuration): capture's own cost shows here. */
  readonly scriptMsPerSBaseline: number | null;
  readonly scriptMsPerSCapturing: number | null;
  /** After the first snapshot, while capturing (and mutating, when the page is mutated). */
  readonly longTasksOver50Ms: number;
  readonly longestTaskMs: number;
  readonly mutationsPerS: number | null;
  /** Snippet rows: page frames the agent received after the snapshot, and their bytes per second. */
  readonly incrementalFrames: number | null;
  readonly incrementalBytesPerS: number | null;
  /** The long task the first snapshot ran in, as the page's PerformanceObserver saw it. */
  readonly snapshotTaskMs: number | null;
}

/** The customer's uplink: typing on the demo form, and the first snapshot through a throttled uplink. */
export interface UplinkRow {
  readonly what: string;
  /** The page compressed (the snippet as shipped) or sent plain text (CompressionStream removed). */
  readonly compressed: boolean;
  readonly frames: number;
  /** Frames that arrived with bit 7 set: shows the page really compressed (or really did not). */
  readonly framesDeflated: number;
  readonly keysPerS: number | null;
  readonly bytesPerS: number | null;
  readonly joinToFirstSnapshotMs: number | null;
  readonly snapshotBytes: number | null;
}

/** How the first snapshot's cost grows with the page. */
import type { MainThreadTasks } from './main-thread-tasks.js';

export interface GrowthRow {
  readonly elements: number;
  readonly compressed: boolean;
  readonly snapshotMs: number;
  readonly wireBytes: number;
  readonly jsonBytes: number | null;
  /** Over the server's snapshot ceiling: the snippet refused to share the page. */
  readonly tooLarge: boolean;
  /** The page's longest task from the snapshot's start to its frame being ready. */
  readonly longestTaskMs: number;
  readonly tasksOver50Ms: number;
  /**
   * The page's main-thread tasks from the join until the frame was ready, from a Chromium trace:
   * wall clock and time on a CPU (null in results from before the trace was taken).
   */
  readonly traced?: MainThreadTasks | null;
  /** The machine's 1-minute load average when the row was measured. */
  readonly loadAvg1?: number;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly quick: boolean;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string; readonly loadAvgAtStart: readonly number[] };
  /** Where the relays and the load generators ran (absent in runs before issue 15). */
  readonly pinning?: PinningPlan;
  readonly durationS: number;
  readonly stream: readonly StreamRow[];
  readonly burst: readonly BurstRow[];
  readonly capacity: readonly CapacityRow[];
  readonly admission: readonly AdmissionRow[];
  readonly memory: readonly MemoryRow[];
  readonly customerCost: readonly CustomerCostRow[];
  /** Absent before issue 15. */
  readonly uplink?: readonly UplinkRow[];
  readonly growth?: readonly GrowthRow[];
  /** The cluster part (issue 14, bench/parts/cluster.ts); absent when it did not run. */
  readonly cluster?: ClusterResult;
  /** Parts that failed, with why; the rest of the run still reports. */
  readonly failures: readonly { readonly part: string; readonly error: string }[];
}
