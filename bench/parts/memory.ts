// Memory (issue 6): server RSS per idle connection and per active session at 1,000 and 10,000
// connections. Each reading follows a full GC in the relay (--expose-gc), so it counts what the
// connections hold, not garbage. Idle: every session's customer identified and agent admitted,
// not paired, nothing sent. Active: the same sessions paired and streaming (slowly: the point is
// the buffers and state a live session keeps, not throughput).
import type { BenchPlan } from '../bench-limits.js';
import { RELAY_KINDS } from '../load/driver.js';
import type { MemoryRow } from '../lib/results.js';
import { Rig } from '../lib/rig.js';

const MB = 2 ** 20;

export async function runMemoryPart(plan: BenchPlan, outDir: string, log: (line: string) => void): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  for (const connections of plan.memoryConnections) {
    const sessions = connections / 2;
    for (const relay of RELAY_KINDS) {
      const rig = await Rig.start({ kind: relay, generators: plan.generators, outDir, label: `memory-${relay}-${connections}`, gc: true });
      try {
        const baseline = await rig.relayStats(true);
        const setupMs = await rig.setup(sessions, false);
        const idle = await rig.relayStats(true);
        await rig.pair();
        await rig.stream({ rateHz: plan.memoryActiveFps, frameBytes: plan.frameBytes, warmupMs: 0, measureMs: plan.memoryActiveMs, drainMs: plan.drainMs, snapshot: null });
        const active = await rig.relayStats(true);
        const row: MemoryRow = {
          relay,
          connections,
          baselineRssMb: Math.round(baseline.rssBytes / MB),
          idleRssMb: Math.round(idle.rssBytes / MB),
          activeRssMb: Math.round(active.rssBytes / MB),
          idleKbPerConnection: round1((idle.rssBytes - baseline.rssBytes) / 1024 / connections),
          activeKbPerSession: round1((active.rssBytes - baseline.rssBytes) / 1024 / sessions),
          idleHeapKbPerConnection: round1((idle.heapUsedBytes - baseline.heapUsedBytes) / 1024 / connections),
          setupMs: Math.round(setupMs),
        };
        rows.push(row);
        log(
          `  ${relay.padEnd(9)} ${String(connections).padStart(6)} connections: ${row.idleKbPerConnection} KB/idle connection ` +
            `(heap ${row.idleHeapKbPerConnection} KB), ${row.activeKbPerSession} KB/active session, set up in ${row.setupMs} ms`,
        );
      } finally {
        await rig.stop();
      }
    }
  }
  return rows;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
