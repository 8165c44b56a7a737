// Every size, duration and timeout of the benchmark, with why it has its value. `--quick` runs
// each part at its smallest size to check that the harness still works (under two minutes);
// the full run must finish within eighteen minutes on a 2-core machine (the cluster part included).

const SECOND = 1000;

export interface BenchPlan {
  readonly quick: boolean;
  /** Live sessions per relay-latency run (issue 6: 100, 500, 1,000). */
  readonly sessionCounts: readonly number[];
  /** The size the AgentDesk/bare and AgentDesk/Socket.IO ratios are quoted at. */
  readonly ratioSessions: number;
  /** A session streams this many incremental frames a second (issue 6: 20). */
  readonly framesPerSecond: number;
  /** A typical incremental batch (issue 6: 400 bytes). */
  readonly frameBytes: number;
  /** Sent but not measured: JIT warm-up, TCP windows opening, first GCs. */
  readonly warmupMs: number;
  /** The measured window of each run. */
  readonly measureMs: number;
  /** After the last send, how long frames still in flight may take before they count as lost. */
  readonly drainMs: number;
  /** Load-generator processes; sessions are split evenly (sender and receiver of one session share one). */
  readonly generators: number;
  /** Capacity sweep: per-session rates tried at `ratioSessions` until p99 passes the bound. */
  readonly capacityRates: readonly number[];
  readonly capacityMeasureMs: number;
  /** "Within a blink": the p99 a relay must keep for its throughput to count in the sweep. */
  readonly capacityP99BoundMs: number;
  /** Snapshot bursts: issue 6 asks for a 2 MB snapshot while 500 sessions stream. */
  readonly burstSessions: number;
  readonly snapshotBytes: number;
  /** One snapshot every this long, so several bursts land in one measured window. */
  readonly snapshotEveryMs: number;
  /** Incremental frames sent this long after a snapshot started count as "during the burst". */
  readonly burstWindowMs: number;
  readonly burstMeasureMs: number;
  /** Agent admission: how long handshakes are driven, and how many are in flight per generator. */
  readonly admissionMs: number;
  readonly admissionConcurrency: number;
  /** The same one at a time per generator, for the handshake's own p99 without queueing. */
  readonly admissionLatencyMs: number;
  /** Memory: open connections measured (issue 6: 1,000 and 10,000). */
  readonly memoryConnections: readonly number[];
  /** Frames per second per active session while memory is measured: enough to fill every buffer once. */
  readonly memoryActiveFps: number;
  readonly memoryActiveMs: number;
  /** Customer cost: how long the generated page mutates while capture runs. */
  readonly mutationMs: number;
  /** Nodes of the generated page (issue 6: 10,000). */
  readonly generatedNodes: number;
  /** How long the customer types on the demo form while its bytes per second are counted. */
  readonly typingMs: number;
  /** Pages whose first snapshot is measured for the growth chart (issue 15: 1,000 / 10,000 / 100,000). */
  readonly growthElements: readonly number[];
}

const full: BenchPlan = {
  quick: false,
  sessionCounts: [100, 500, 1000],
  ratioSessions: 500,
  framesPerSecond: 20,
  frameBytes: 400,
  warmupMs: 3 * SECOND,
  measureMs: 10 * SECOND,
  drainMs: 2 * SECOND,
  generators: 3,
  capacityRates: [40, 80, 160, 240],
  capacityMeasureMs: 5 * SECOND,
  capacityP99BoundMs: 50,
  burstSessions: 500,
  snapshotBytes: 2 * 1024 * 1024,
  snapshotEveryMs: 2 * SECOND,
  burstWindowMs: 500,
  burstMeasureMs: 10 * SECOND,
  admissionMs: 4 * SECOND,
  admissionConcurrency: 32,
  admissionLatencyMs: 2 * SECOND,
  memoryConnections: [1000, 10_000],
  memoryActiveFps: 1,
  memoryActiveMs: 4 * SECOND,
  mutationMs: 5 * SECOND,
  generatedNodes: 10_000,
  typingMs: 8 * SECOND,
  growthElements: [1000, 10_000, 100_000],
};

const quick: BenchPlan = {
  ...full,
  quick: true,
  sessionCounts: [100],
  ratioSessions: 100,
  warmupMs: 1 * SECOND,
  measureMs: 3 * SECOND,
  drainMs: 1 * SECOND,
  generators: 2,
  capacityRates: [40],
  capacityMeasureMs: 2 * SECOND,
  burstSessions: 100,
  burstMeasureMs: 3 * SECOND,
  snapshotEveryMs: 1 * SECOND,
  admissionMs: 1.5 * SECOND,
  admissionLatencyMs: 1 * SECOND,
  memoryConnections: [1000],
  memoryActiveMs: 2 * SECOND,
  mutationMs: 2 * SECOND,
  typingMs: 3 * SECOND,
  growthElements: [1000, 10_000],
};

export function benchPlan(isQuick: boolean): BenchPlan {
  return isQuick ? quick : full;
}

/** Timeouts of the harness itself: every step is bounded so a run always stops by itself. */
export const HARNESS_LIMITS = {
  /** A relay or generator process that has not said "ready" by then is broken. */
  processStartMs: 20 * SECOND,
  /** Opening 10,000 connections (5,000 sessions through REST + two handshakes each) on 2 cores. */
  setupMs: 120 * SECOND,
  /** Extra time a step may take beyond its own planned duration (busy machine, GC). */
  stepSlackMs: 30 * SECOND,
  /** A child that ignores SIGTERM this long is killed. */
  stopMs: 5 * SECOND,
  /**
   * The whole run: issue 6 allowed ten minutes; issue 15 added the customer-uplink part (about
   * 80 s: typing twice, two throttled joins, six first snapshots up to 100,000 elements), and
   * issue 14 the cluster part at the end (three nodes, Redis and PostgreSQL, latency at two sizes
   * both ways, five failovers: a few minutes more on two shared cores). Past this everything is
   * stopped, and the parts that finished are written (results-stopped.json).
   */
  wholeRunMs: 18 * 60 * SECOND,
  /** The quick run must stay under two minutes. */
  quickRunMs: 2 * 60 * SECOND,
  /** Sessions set up at once per generator: enough to hide round trips, few enough not to stall the server. */
  setupConcurrency: 64,
} as const;

/**
 * The AgentDesk relay's capacity limits in the bench (its config file's `limits`, as an operator
 * sets them). Every bench customer and agent comes from 127.0.0.1 and the parts create thousands
 * of sessions within a minute (5,000 for 10,000 connections), so the product's per-address and
 * per-minute admission limits, sized for real customers each on their own address, would refuse
 * the load itself. The relay path (frame sizes, rates, timeouts) keeps the product's limits.
 */
export const BENCH_SERVER_LIMITS = {
  maxOpenConnections: 1_000_000,
  maxConnectionsPerAddress: 1_000_000,
  maxPreHelloSockets: 100_000,
  sessionCreatesPerWindow: 1_000_000,
  sessionCreatesTotalPerWindow: 1_000_000,
  maxLiveSessions: 100_000,
} as const;
