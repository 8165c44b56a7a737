import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { benchPlan } from '../../../bench/bench-limits.js';
import type { RelayKind } from '../../../bench/load/driver.js';
import type { BenchResults, GrowthRow, StreamRow } from '../../../bench/lib/results.js';
import { withinBound } from '../../../bench/parts/relay-streams.js';
import { ratios, renderReport, snapshotVerdict } from '../../../bench/report.js';
import { emptyBenchResults } from './bench-results.js';

const plan = benchPlan(false);

function streamRow(relay: RelayKind, p99Ms: number, deliveredFps: number, extra: Partial<StreamRow> = {}): StreamRow {
  return {
    relay,
    sessions: plan.ratioSessions,
    rateHz: 20,
    frameBytes: 400,
    offeredFps: 10_000,
    deliveredFps,
    lost: 0,
    outOfOrder: 0,
    latency: { samples: 100_000, p50Ms: 1, p99Ms, p999Ms: p99Ms * 2, maxMs: p99Ms * 3 },
    relayCpuPct: 40,
    relayWaitPct: 1,
    relayRssMb: 100,
    generatorCpuPct: [30, 30, 30],
    sendLagP99Ms: 1,
    setupMs: 1000,
    ...extra,
  };
}

function results(stream: StreamRow[], extra: Partial<BenchResults> = {}): BenchResults {
  return emptyBenchResults({ stream, ...extra });
}

describe('bench report', () => {
  it('quotes AgentDesk/bare and AgentDesk/Socket.IO ratios at the ratio size', () => {
    const r = ratios(results([streamRow('agentdesk', 5, 9000), streamRow('bare', 4, 10_000), streamRow('socketio', 10, 10_000)]), plan);
    assert.equal(r.p99VsBare, 1.25);
    assert.equal(r.throughputVsBare, 0.9);
    assert.equal(r.p99VsSocketIo, 0.5);
  });

  it('marks a p99 over 1.25× the bare relay as missed, and says so in bold', () => {
    const text = renderReport(results([streamRow('agentdesk', 6, 10_000), streamRow('bare', 4, 10_000), streamRow('socketio', 10, 10_000)]), plan);
    assert.match(text, /AgentDesk\/bare p99 \*\*1\.50×\*\* \(target ≤ 1\.25×: \*\*missed\*\*\)/);
    assert.match(text, /AgentDesk\/bare throughput \*\*1\.00×\*\* \(target ≥ 0\.9×: met\)/);
  });

  it('flags busy load generators instead of blaming the relay', () => {
    const text = renderReport(results([streamRow('agentdesk', 5, 10_000, { generatorCpuPct: [95, 40, 40] }), streamRow('bare', 5, 10_000)]), plan);
    assert.match(text, /\| 95 \/ 40 \/ 40 \(busy\) \|/);
    assert.match(text, /Generators were busy .* in: AgentDesk at 500/);
  });

  it('marks rows where the relay waited for a CPU as measuring the machine, not the relay', () => {
    const text = renderReport(results([streamRow('agentdesk', 900, 6000, { relayWaitPct: 40 }), streamRow('bare', 5, 10_000)]), plan);
    assert.match(text, /\| 40 \(starved\) \|/);
    assert.match(text, /Relays waited for a CPU .* in: AgentDesk at 10000 frames\/s;/);
  });

  it('does not judge a ratio when a compared relay waited for a CPU: that measures the machine', () => {
    const text = renderReport(results([streamRow('agentdesk', 500, 10_000, { relayWaitPct: 47 }), streamRow('bare', 60, 10_000)]), plan);
    assert.match(text, /AgentDesk\/bare p99 \*\*8\.33×\*\* \(target ≤ 1\.25×: not judged: AgentDesk waited for a CPU 47% of the window\)/);
    assert.doesNotMatch(text, /missed/);
  });

  it('memory over 10 KB per idle connection misses the target', () => {
    const memory = [{ relay: 'agentdesk' as const, connections: 10_000, baselineRssMb: 80, idleRssMb: 230, activeRssMb: 300, idleKbPerConnection: 15.4, activeKbPerSession: 44, idleHeapKbPerConnection: 5, setupMs: 1 }];
    assert.match(renderReport(results([], { memory }), plan), /AgentDesk at 10000 connections: \*\*15\.4 KB per idle connection\*\* \(target < 10 KB: \*\*missed\*\*\)/);
  });

  it('judges memory per idle connection at the most connections measured, where fixed costs no longer dominate', () => {
    const at = (connections: number, kb: number) => ({ relay: 'agentdesk' as const, connections, baselineRssMb: 80, idleRssMb: 90, activeRssMb: 100, idleKbPerConnection: kb, activeKbPerSession: 20, idleHeapKbPerConnection: 4, setupMs: 1 });
    const text = renderReport(results([], { memory: [at(1000, 17.5), at(10_000, 7.8)] }), plan);
    assert.match(text, /AgentDesk at 10000 connections: \*\*7\.8 KB per idle connection\*\* \(target < 10 KB: met\)/);
  });

  it("prints each relay's loop delay and GC pauses beside its latency, and where it ran", () => {
    const relayLoop = {
      loopDelay: { samples: 5000, meanMs: 0.2, p50Ms: 0.05, p90Ms: 0.4, p99Ms: 6.25, p999Ms: 12, maxMs: 31.5, overMsPct: { '1': 3.5, '2': 2, '5': 1.25, '10': 0.5, '20': 0.1, '50': 0 } },
      gc: { count: 21, totalMs: 105, maxMs: 7.6, p99Ms: 7.6, byKind: { minor: { count: 17, totalMs: 86.1, maxMs: 7.6 }, major: { count: 2, totalMs: 13.6, maxMs: 7.5 } } },
    };
    const pinning = { relayCpus: '0', generatorCpus: '1', note: 'relay on CPU 0, load generators on CPU 1 (taskset -a -cp)' };
    const text = renderReport(results([streamRow('agentdesk', 5, 10_000, { relayLoop, loadAvg1: 2.5 }), streamRow('bare', 4, 10_000)], { pinning }), plan);
    assert.match(text, /CPU pinning: relay on CPU 0, load generators on CPU 1/);
    assert.match(text, /\| AgentDesk \| 500 \| 0\.05 \/ 6\.25 \/ 31\.5 \| 3\.50 \/ 1\.25 \/ 0\.50 \/ 0\.10 \| 21 \| 105\.0 \(7\.60\) \| minor 17, 86\.1; major 2, 13\.6 \| 2\.50 \|/);
    assert.doesNotMatch(text, /\| bare ws \| 500 \| .* \| 2\.50 \|/, 'a row without a loop window is not in that table');
  });

  it("reports the customer's uplink against Glance's figure, and the snapshot's growth with pages over the ceiling named", () => {
    const uplink = [
      { what: 'typing on the demo claim form', compressed: true, frames: 15, framesDeflated: 15, keysPerS: 4.7, bytesPerS: 464, joinToFirstSnapshotMs: null, snapshotBytes: null },
      { what: 'join → first snapshot at the agent, generated 10000, page uplink 1 Mbit/s', compressed: false, frames: 1, framesDeflated: 0, keysPerS: null, bytesPerS: null, joinToFirstSnapshotMs: 9452, snapshotBytes: 1_134_000 },
    ];
    const growth = [{ elements: 100_000, compressed: false, snapshotMs: 3100, wireBytes: 11_300_000, jsonBytes: 11_300_000, tooLarge: true, longestTaskMs: 3050, tasksOver50Ms: 1 }];
    const text = renderReport(results([], { uplink, growth }), plan);
    assert.match(text, /A customer typing sends \*\*3\.7 kbit\/s\*\* compressed \(Glance publishes about 50 kbit\/s/);
    assert.match(text, /\| join → first snapshot at the agent, generated 10000, page uplink 1 Mbit\/s, plain \| 1 \| 0 \| – \| – \| 9452 \| 1134000 \|/);
    assert.match(text, /\| 100000 \| plain \| 3100\.0 \| 11035 \| 11035 \(over the 8 MiB ceiling: not shared\) \| 3050 \| 1 \|/);
  });

  it('judges the 10,000-element snapshot by the wall clock, and on a CPU when the machine held the page back', () => {
    const row = (over50MsWall: number, over50MsOnCpu: number, longestWallMs: number, longestOnCpuMs: number, snapshotMs = 480): GrowthRow => ({
      elements: 10_029,
      compressed: true,
      snapshotMs,
      wireBytes: 150_000,
      jsonBytes: 1_900_000,
      tooLarge: false,
      longestTaskMs: Math.round(longestWallMs),
      tasksOver50Ms: over50MsWall,
      traced: { count: 90, longestWallMs, longestOnCpuMs, over50MsWall, over50MsOnCpu },
      loadAvg1: 14.2,
    });
    assert.match(snapshotVerdict(row(0, 0, 31, 12)), /ready in \*\*480\.0 ms\*\* \(target ≤ 1000 ms: met\); longest task \*\*31\.0 ms\*\* wall clock, \*\*12\.0 ms\*\* on a CPU \(target: no task over 50 ms: met\)/);
    assert.match(snapshotVerdict(row(2, 0, 88, 21)), /wall clock not judged: every task stayed under 50 ms on a CPU, the rest was waiting for a core \(load average 14\.2\); met on a CPU/);
    assert.match(snapshotVerdict(row(2, 1, 230, 210, 1400)), /target ≤ 1000 ms: \*\*missed\*\*.*\*\*missed\*\* \(1 task\(s\) over 50 ms on a CPU\)/);
    const untraced = { ...row(0, 0, 10, 10), traced: null };
    assert.match(snapshotVerdict(untraced), /not traced: not judged/);
  });

  it('a capacity step counts only with p99 within the bound and nothing lost', () => {
    assert.equal(withinBound(streamRow('agentdesk', 50, 10_000), 50), true);
    assert.equal(withinBound(streamRow('agentdesk', 51, 10_000), 50), false);
    assert.equal(withinBound(streamRow('agentdesk', 5, 10_000, { lost: 1 }), 50), false);
  });
  it('shows the cluster part: latency across and on one node, memory per node, failover', () => {
    const text = renderReport(
      results([], {
        cluster: {
          latency: [{ sessions: 100, sameNode: { p50Ms: 1, p99Ms: 4, frames: 8000 }, crossNode: { p50Ms: 1.5, p99Ms: 5, frames: 7990 }, p50Ratio: 1.5, p99Ratio: 1.25 }],
          failover: { tries: 3, medianMs: 3250, maxMs: 3600, timesMs: [3100, 3250, 3600] },
          memory: [{ nodes: 2, sessions: 500, kbPerSessionPerNode: [120.4, 131], redisBytesPerSession: 1700 }],
          note: 'shared cores',
        },
      }),
      plan,
    );
    assert.match(text, /\| 100 \| 1\.00 \/ 4\.00 \| 1\.50 \/ 5\.00 \| 8000 \/ 7990 \| 1\.50× \| 1\.25× \|/);
    assert.match(text, /\| 2 \| 500 \| 120\.4 \/ 131\.0 \| 1700 \|/);
    assert.match(text, /median \*\*3250 ms\*\*, max 3600 ms over 3 tries \(3100, 3250, 3600\)/);
  });

  it('has no cluster section when the part did not run', () => {
    assert.doesNotMatch(renderReport(results([]), plan), /### Cluster/);
  });
});
