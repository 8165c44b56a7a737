// Relay latency and throughput (issue 6): N sessions at 20 frames/s of 400 bytes against each
// relay, interleaved per size so machine noise hits all three alike. At the size the ratios are
// quoted at, the same sessions then carry the snapshot-burst run and the capacity sweep.
import { loadavg } from 'node:os';
import type { BenchPlan } from '../bench-limits.js';
import { RELAY_KINDS, type RelayKind } from '../load/driver.js';
import type { StreamResult } from '../load/generator-protocol.js';
import { Histogram, summarize } from '../lib/histogram.js';
import type { BurstRow, CapacityRow, StreamRow } from '../lib/results.js';
import { Rig, type RigStreamResult } from '../lib/rig.js';

export interface StreamPartResult {
  readonly stream: StreamRow[];
  readonly burst: BurstRow[];
  readonly capacity: CapacityRow[];
  /** Runs that failed; the other relays and sizes still run. */
  readonly failures: { readonly part: string; readonly error: string }[];
}

const merged = (results: readonly StreamResult[], pick: (r: StreamResult) => StreamResult['latency'] | null): Histogram =>
  Histogram.merged(results.map(pick).filter((h) => h !== null));

function streamRow(relay: RelayKind, sessions: number, rateHz: number, frameBytes: number, run: RigStreamResult, setupMs: number): StreamRow {
  const gens = run.generators;
  const sent = gens.reduce((n, g) => n + g.sent, 0);
  const received = gens.reduce((n, g) => n + g.received, 0);
  const windowMs = Math.max(...gens.map((g) => g.measuredMs));
  return {
    relay,
    sessions,
    rateHz,
    frameBytes,
    offeredFps: sessions * rateHz,
    deliveredFps: Math.round((received / windowMs) * 1000),
    lost: sent - received,
    outOfOrder: gens.reduce((n, g) => n + g.outOfOrder, 0),
    latency: summarize(merged(gens, (g) => g.latency)),
    relayCpuPct: Math.round(run.relayCpuPct),
    relayWaitPct: Math.round(run.relayWaitPct),
    relayRssMb: Math.round(run.relayRssBytes / 2 ** 20),
    generatorCpuPct: Rig.generatorCpuPct(gens, windowMs).map(Math.round),
    sendLagP99Ms: summarize(merged(gens, (g) => g.sendLag)).p99Ms,
    setupMs: Math.round(setupMs),
    relayLoop: run.relayLoop,
    loadAvg1: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export async function runStreamPart(plan: BenchPlan, outDir: string, log: (line: string) => void, profile: boolean): Promise<StreamPartResult> {
  const out: StreamPartResult = { stream: [], burst: [], capacity: [], failures: [] };
  for (const sessions of plan.sessionCounts) {
    for (const relay of RELAY_KINDS) {
      try {
        await streamRig(plan, outDir, log, profile, relay, sessions, out);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        log(`  ${relay.padEnd(9)} ${String(sessions).padStart(5)} sessions failed: ${error.split('\n')[0]}`);
        out.failures.push({ part: `relay streams, ${relay} at ${sessions} sessions`, error });
      }
    }
  }
  return out;
}

/** One relay at one size: the plain run, and at the ratio size the burst run and the capacity sweep. */
async function streamRig(
  plan: BenchPlan,
  outDir: string,
  log: (line: string) => void,
  profile: boolean,
  relay: RelayKind,
  sessions: number,
  out: StreamPartResult,
): Promise<void> {
  const atRatioSize = sessions === plan.ratioSessions;
  const rig = await Rig.start({
    kind: relay,
    generators: plan.generators,
    outDir,
    label: `stream-${relay}-${sessions}`,
    // Every relay is profiled at the ratio size, so AgentDesk's profile has the limit's to compare with.
    profile: profile && atRatioSize,
  });
  try {
    const setupMs = await rig.setup(sessions, true);
    const base = { frameBytes: plan.frameBytes, warmupMs: plan.warmupMs, measureMs: plan.measureMs, drainMs: plan.drainMs };
    const plain = await rig.stream({ ...base, rateHz: plan.framesPerSecond, snapshot: null });
    const row = streamRow(relay, sessions, plan.framesPerSecond, plan.frameBytes, plain, setupMs);
    out.stream.push(row);
    log(
      `  ${relay.padEnd(9)} ${String(sessions).padStart(5)} sessions: p50 ${row.latency.p50Ms} ms, p99 ${row.latency.p99Ms} ms, ` +
        `${row.deliveredFps} frames/s, lost ${row.lost}, relay CPU ${row.relayCpuPct}% (waited ${row.relayWaitPct}%), generators ${row.generatorCpuPct.join('/')}%, load ${row.loadAvg1}`,
    );
    log(`  ${' '.repeat(9)} ${loopLine(row)}`);
    if (!atRatioSize) return;

    const burst = await rig.stream({
      ...base,
      measureMs: plan.burstMeasureMs,
      rateHz: plan.framesPerSecond,
      snapshot: { bytes: plan.snapshotBytes, everyMs: plan.snapshotEveryMs, windowMs: plan.burstWindowMs },
    });
    const gens = burst.generators;
    const burstRow: BurstRow = {
      relay,
      sessions,
      snapshotBytes: plan.snapshotBytes,
      snapshotsSent: gens.reduce((n, g) => n + g.snapshotsSent, 0),
      snapshotsReceived: gens.reduce((n, g) => n + g.snapshotsReceived, 0),
      snapshot: summarize(merged(gens, (g) => g.snapshotLatency)),
      othersDuringBurst: summarize(merged(gens, (g) => g.burstLatency)),
      othersCalm: summarize(merged(gens, (g) => g.calmLatency)),
      baseline: row.latency,
      lost: gens.reduce((n, g) => n + g.sent - g.received, 0),
      relayCpuPct: Math.round(burst.relayCpuPct),
      generatorCpuPct: Rig.generatorCpuPct(gens, Math.max(...gens.map((g) => g.measuredMs))).map(Math.round),
    };
    out.burst.push(burstRow);
    log(
      `  ${relay.padEnd(9)} snapshot bursts: snapshot p50 ${burstRow.snapshot.p50Ms} ms; others p99 ${burstRow.othersDuringBurst.p99Ms} ms ` +
        `during bursts vs ${burstRow.baseline.p99Ms} ms without`,
    );

    const steps: StreamRow[] = [row];
    for (const rateHz of plan.capacityRates) {
      const run = await rig.stream({ ...base, warmupMs: Math.min(plan.warmupMs, 1000), measureMs: plan.capacityMeasureMs, rateHz, snapshot: null });
      const step = streamRow(relay, sessions, rateHz, plan.frameBytes, run, 0);
      steps.push(step);
      log(`  ${relay.padEnd(9)} capacity ${step.offeredFps} offered: ${step.deliveredFps} delivered, p99 ${step.latency.p99Ms} ms, relay CPU ${step.relayCpuPct}% (waited ${step.relayWaitPct}%)`);
      if (!withinBound(step, plan.capacityP99BoundMs)) break;
    }
    const best = steps.filter((s) => withinBound(s, plan.capacityP99BoundMs)).sort((a, b) => b.deliveredFps - a.deliveredFps)[0];
    out.capacity.push({
      relay,
      sessions,
      p99BoundMs: plan.capacityP99BoundMs,
      bestFps: best?.deliveredFps ?? null,
      bestP99Ms: best?.latency.p99Ms ?? null,
      steps,
    });
  } finally {
    await rig.stop();
  }
}


/** The relay's loop delay and GC pauses beside its latency: a tail without GC is synchronous work. */
export function loopLine(row: StreamRow): string {
  const w = row.relayLoop;
  if (!w) return 'event loop: not measured';
  const d = w.loopDelay;
  const over = Object.entries(d.overMsPct)
    .map(([t, pct]) => `≥${t} ms ${pct}%`)
    .join(', ');
  const kinds = Object.entries(w.gc.byKind)
    .map(([k, v]) => `${k} ${v.count} (${v.totalMs} ms, max ${v.maxMs})`)
    .join(', ');
  return `event loop delay p50 ${d.p50Ms} / p99 ${d.p99Ms} / max ${d.maxMs} ms (${over}); GC ${w.gc.count} pauses, ${w.gc.totalMs} ms, max ${w.gc.maxMs} ms${kinds ? `: ${kinds}` : ''}`;
}

/** A step counts for capacity when its p99 is within the bound and no frame was lost. */
export function withinBound(step: StreamRow, boundMs: number): boolean {
  return step.lost === 0 && step.latency.p99Ms !== null && step.latency.p99Ms <= boundMs;
}
