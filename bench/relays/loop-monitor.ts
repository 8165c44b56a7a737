// What stalls a relay's event loop, seen from inside the relay during a measured window: the
// loop-delay histogram (perf_hooks.monitorEventLoopDelay: how late a timer firing every
// LOOP_RESOLUTION_MS ran, which is how long any frame arriving then waited) and every GC pause
// (PerformanceObserver on 'gc', with its kind). Delays are reported beyond the timer's own interval. A relay whose p99 latency is far above its
// median shows the cause here: long GC pauses, or loop delays without GC (synchronous work).
import { PerformanceObserver, constants, monitorEventLoopDelay, type IntervalHistogram, type PerformanceEntry } from 'node:perf_hooks';

/** Fine enough to see a 2 ms stall; a 1 ms timer would itself cost the relay measurable CPU. */
const LOOP_RESOLUTION_MS = 2;
/** Stalls at or above these are counted (share of the window the loop spent at least this late). */
export const LOOP_DELAY_THRESHOLDS_MS = [1, 2, 5, 10, 20, 50] as const;

export interface LoopDelaySummary {
  readonly samples: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** Threshold (ms) → % of samples at least that late: the histogram, in a few buckets. */
  readonly overMsPct: Readonly<Record<string, number>>;
}

export interface GcSummary {
  readonly count: number;
  readonly totalMs: number;
  readonly maxMs: number;
  readonly p99Ms: number;
  /** minor (scavenge), major (mark-compact), incremental, weakcb: count and total ms each. */
  readonly byKind: Readonly<Record<string, { count: number; totalMs: number; maxMs: number }>>;
}

export interface LoopWindow {
  readonly loopDelay: LoopDelaySummary;
  readonly gc: GcSummary;
}

const GC_KIND: Readonly<Record<number, string>> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

const ms = (ns: number): number => Math.round((ns / 1e6) * 1000) / 1000;

/** Share of samples at least `thresholdNs` late: the percentile where the curve crosses it, by bisection. */
function shareAtLeast(h: IntervalHistogram, thresholdNs: number): number {
  if (h.max < thresholdNs) return 0;
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (h.percentile(mid) < thresholdNs) lo = mid;
    else hi = mid;
  }
  return Math.round((100 - lo) * 1000) / 1000;
}

/**
 * Node records each whole interval between two timer runs, so an idle loop reads `resolution`;
 * the delay is what is left after subtracting it.
 */
export function summarizeLoop(h: IntervalHistogram, resolutionMs: number): LoopDelaySummary {
  const base = resolutionMs * 1e6;
  const late = (ns: number): number => ms(Math.max(0, ns - base));
  const overMsPct: Record<string, number> = {};
  for (const t of LOOP_DELAY_THRESHOLDS_MS) overMsPct[String(t)] = h.count === 0 ? 0 : shareAtLeast(h, base + t * 1e6);
  return {
    samples: h.count,
    meanMs: h.count === 0 ? 0 : late(h.mean),
    p50Ms: late(h.percentile(50)),
    p90Ms: late(h.percentile(90)),
    p99Ms: late(h.percentile(99)),
    p999Ms: late(h.percentile(99.9)),
    maxMs: h.count === 0 ? 0 : late(h.max),
    overMsPct,
  };
}

export function summarizeGc(pauses: readonly { kind: string; ms: number }[]): GcSummary {
  const byKind: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
  for (const p of pauses) {
    const k = (byKind[p.kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    k.count += 1;
    k.totalMs += p.ms;
    k.maxMs = Math.max(k.maxMs, p.ms);
  }
  for (const k of Object.values(byKind)) {
    k.totalMs = Math.round(k.totalMs * 100) / 100;
    k.maxMs = Math.round(k.maxMs * 100) / 100;
  }
  const sorted = pauses.map((p) => p.ms).sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 100) / 100;
  return {
    count: sorted.length,
    totalMs: round(sorted.reduce((a, b) => a + b, 0)),
    maxMs: round(sorted.at(-1) ?? 0),
    p99Ms: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0),
    byKind,
  };
}

/** One measured window at a time: start() resets, stop() returns what happened since. */
export class LoopMonitor {
  #histogram: IntervalHistogram | null = null;
  #observer: PerformanceObserver | null = null;
  #pauses: { kind: string; ms: number }[] = [];

  start(): void {
    this.stop();
    this.#pauses = [];
    this.#observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.#record(entry);
    });
    this.#observer.observe({ entryTypes: ['gc'] });
    this.#histogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.#histogram.enable();
  }

  #record(entry: PerformanceEntry): void {
    const kind = GC_KIND[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
    this.#pauses.push({ kind, ms: entry.duration });
  }

  stop(): LoopWindow | null {
    const h = this.#histogram;
    if (!h) return null;
    h.disable();
    // Entries reach the callback asynchronously: the last pauses of the window are still queued.
    for (const entry of this.#observer?.takeRecords() ?? []) this.#record(entry);
    this.#observer?.disconnect();
    this.#histogram = null;
    this.#observer = null;
    return { loopDelay: summarizeLoop(h, LOOP_RESOLUTION_MS), gc: summarizeGc(this.#pauses) };
  }
}
