// Turns bench results into the Markdown table the run prints and the README quotes: one section
// per part, the issue's targets marked met or missed, and the ratios the closing note quotes.
import type { BenchPlan } from './bench-limits.js';
import { RELAY_LABEL, type RelayKind } from './load/driver.js';
import type { BenchResults, GrowthRow, StreamRow } from './lib/results.js';

/** A generator above this share of one core, or sending this late, may be what limits a run. */
const GENERATOR_BUSY_PCT = 85;
const SEND_LAG_BUSY_MS = 10;
/** A relay runnable but without a CPU this much of the window was held back by the machine. */
const RELAY_STARVED_PCT = 10;

const fmt = (n: number | null | undefined, digits = 1): string => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
const ratio = (a: number | null | undefined, b: number | null | undefined): number | null => (a == null || b == null || b === 0 ? null : a / b);
const mark = (met: boolean | null): string => (met === null ? 'not measured' : met ? 'met' : '**missed**');

export interface Ratios {
  readonly sessions: number;
  readonly p99VsBare: number | null;
  readonly throughputVsBare: number | null;
  readonly p99VsSocketIo: number | null;
  readonly capacityVsSocketIo: number | null;
}

function row(results: BenchResults, relay: RelayKind, sessions: number): StreamRow | undefined {
  return results.stream.find((r) => r.relay === relay && r.sessions === sessions);
}

export function ratios(results: BenchResults, plan: BenchPlan): Ratios {
  const ad = row(results, 'agentdesk', plan.ratioSessions);
  const bare = row(results, 'bare', plan.ratioSessions);
  const sio = row(results, 'socketio', plan.ratioSessions);
  const cap = (relay: RelayKind): number | null => results.capacity.find((c) => c.relay === relay)?.bestFps ?? null;
  return {
    sessions: plan.ratioSessions,
    p99VsBare: ratio(ad?.latency.p99Ms, bare?.latency.p99Ms),
    throughputVsBare: ratio(ad?.deliveredFps, bare?.deliveredFps),
    p99VsSocketIo: ratio(ad?.latency.p99Ms, sio?.latency.p99Ms),
    capacityVsSocketIo: ratio(cap('agentdesk'), cap('socketio')),
  };
}

function busyGenerators(r: { generatorCpuPct: readonly number[]; sendLagP99Ms?: number | null }): boolean {
  return Math.max(...r.generatorCpuPct) >= GENERATOR_BUSY_PCT || (r.sendLagP99Ms ?? 0) > SEND_LAG_BUSY_MS;
}

/** Why a generator is flagged: its own CPU, or sends leaving late while it had little CPU (a busy machine). */
function generatorNote(r: { generatorCpuPct: readonly number[]; sendLagP99Ms?: number | null }): string | null {
  if (Math.max(...r.generatorCpuPct) >= GENERATOR_BUSY_PCT) return 'generators busy';
  if ((r.sendLagP99Ms ?? 0) > SEND_LAG_BUSY_MS) return `sends ${fmt(r.sendLagP99Ms, 0)} ms late`;
  return null;
}

function generatorFlag(r: { generatorCpuPct: readonly number[]; sendLagP99Ms?: number | null }): string {
  const note = generatorNote(r);
  return note === null ? '' : ` (${note.replace('generators ', '')})`;
}

const isStarved = (r: StreamRow | undefined): boolean => r !== undefined && r.relayWaitPct >= RELAY_STARVED_PCT;

/**
 * A target compared across rows is judged only when no compared relay was starved: a relay that
 * waited for a CPU measured the machine, and a verdict from it would be noise.
 */
/**
 * The issue's target for the 10,000-element page: no task over 50 ms during its first snapshot,
 * and the snapshot ready within 1 s. The browser's long-task clock is the wall clock, which on a
 * loaded machine also counts the time the renderer waited for a core; the trace's thread time
 * does not. So a wall-clock miss whose tasks all stayed under 50 ms on a CPU is not judged (the
 * machine, not the page), and a miss on a CPU is a miss whatever the load.
 */
export function snapshotVerdict(g: GrowthRow): string {
  const ready = g.snapshotMs <= 1000;
  const head = `First snapshot of the ${g.elements}-element page (compressed): ready in **${fmt(g.snapshotMs)} ms** (target ≤ 1000 ms: ${ready ? 'met' : '**missed**'})`;
  if (!g.traced) return `${head}; longest task ${g.longestTaskMs} ms (not traced: not judged).`;
  const t = g.traced;
  const tasks = `longest task **${fmt(t.longestWallMs)} ms** wall clock, **${fmt(t.longestOnCpuMs)} ms** on a CPU`;
  let verdict: string;
  if (t.over50MsWall === 0) verdict = 'met';
  else if (t.over50MsOnCpu > 0) verdict = `**missed** (${t.over50MsOnCpu} task(s) over 50 ms on a CPU)`;
  else verdict = `wall clock not judged: every task stayed under 50 ms on a CPU, the rest was waiting for a core (load average ${fmt(g.loadAvg1 ?? null)}); met on a CPU`;
  return `${head}; ${tasks} (target: no task over 50 ms: ${verdict}).`;
}

function judged(rows: readonly (StreamRow | undefined)[], met: boolean | null): string {
  if (met === null) return mark(null);
  const held = rows.filter(isStarved);
  if (held.length > 0) return `not judged: ${held.map((r) => `${RELAY_LABEL[r!.relay]} waited for a CPU ${r!.relayWaitPct}%`).join(', ')} of the window`;
  return mark(met);
}

export function renderReport(results: BenchResults, plan: BenchPlan): string {
  const out: string[] = [];
  const push = (...lines: string[]): void => void out.push(...lines);
  const r = ratios(results, plan);
  const vsBare = [row(results, 'agentdesk', plan.ratioSessions), row(results, 'bare', plan.ratioSessions)];
  const m = results.machine;
  push(
    `Run ${results.startedAt}${results.quick ? ' (--quick)' : ''}: ${m.cpus} × ${m.cpuModel}, Node ${m.node}, load average at start ${m.loadAvgAtStart.map((l) => l.toFixed(1)).join(' ')}, ${Math.round(results.durationS)} s.`,
    '',
    `CPU pinning: ${results.pinning?.note ?? 'not recorded (run before pinning existed)'}.`,
    '',
    `### Relay latency and throughput (${plan.framesPerSecond} frames/s of ${plan.frameBytes} B per session, ${plan.measureMs / 1000} s measured)`,
    '',
    '| relay | sessions | p50 ms | p99 ms | p99.9 ms | delivered frames/s | lost | relay CPU % | relay waited for a CPU % | relay RSS MB | generators CPU % |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const s of results.stream) {
    push(
      `| ${RELAY_LABEL[s.relay]} | ${s.sessions} | ${fmt(s.latency.p50Ms, 2)} | ${fmt(s.latency.p99Ms, 2)} | ${fmt(s.latency.p999Ms, 2)} | ${s.deliveredFps} | ${s.lost} | ${s.relayCpuPct} | ${s.relayWaitPct}${s.relayWaitPct >= RELAY_STARVED_PCT ? ' (starved)' : ''} | ${s.relayRssMb} | ${s.generatorCpuPct.join(' / ')}${generatorFlag(s)} |`,
    );
  }
  const withLoop = results.stream.filter((s) => s.relayLoop);
  if (withLoop.length > 0) {
    push(
      '',
      '#### Inside each relay in the same windows: event-loop delay (monitorEventLoopDelay, 2 ms timer) and GC pauses',
      '',
      '| relay | sessions | loop delay p50 / p99 / max ms | share of samples late ≥ 1 / 5 / 10 / 20 ms % | GC pauses | GC ms in window (max pause) | by kind: count, ms | load avg |',
      '|---|---:|---:|---:|---:|---:|---|---:|',
    );
    for (const s of withLoop) {
      const w = s.relayLoop!;
      const d = w.loopDelay;
      const over = ['1', '5', '10', '20'].map((t) => fmt(d.overMsPct[t], 2)).join(' / ');
      const kinds = Object.entries(w.gc.byKind)
        .map(([k, v]) => `${k} ${v.count}, ${fmt(v.totalMs)}`)
        .join('; ');
      push(
        `| ${RELAY_LABEL[s.relay]} | ${s.sessions} | ${fmt(d.p50Ms, 2)} / ${fmt(d.p99Ms, 2)} / ${fmt(d.maxMs, 1)} | ${over} | ${w.gc.count} | ${fmt(w.gc.totalMs)} (${fmt(w.gc.maxMs, 2)}) | ${kinds || '–'} | ${fmt(s.loadAvg1, 2)} |`,
      );
    }
  }
  push(
    '',
    `At ${r.sessions} sessions: AgentDesk/bare p99 **${fmt(r.p99VsBare, 2)}×** (target ≤ 1.25×: ${judged(vsBare, r.p99VsBare === null ? null : r.p99VsBare <= 1.25)}), ` +
      `AgentDesk/bare throughput **${fmt(r.throughputVsBare, 2)}×** (target ≥ 0.9×: ${judged(vsBare, r.throughputVsBare === null ? null : r.throughputVsBare >= 0.9)}), ` +
      `AgentDesk/Socket.IO p99 **${fmt(r.p99VsSocketIo, 2)}×**.`,
  );

  if (results.capacity.length > 0) {
    push(
      '',
      `### Capacity at ${plan.ratioSessions} sessions (per-session rate raised until p99 > ${plan.capacityP99BoundMs} ms or a frame is lost)`,
      '',
      `| relay | best delivered frames/s with p99 ≤ ${plan.capacityP99BoundMs} ms | its p99 ms | steps: offered → delivered frames/s (p99 ms, relay CPU %) |`,
      '|---|---:|---:|---|',
    );
    for (const c of results.capacity) {
      const steps = c.steps
        .map((s) => {
          const notes = [fmt(s.latency.p99Ms, 0), `${s.relayCpuPct}%`, generatorNote(s), isStarved(s) ? 'starved' : null].filter((n) => n !== null);
          return `${s.offeredFps} → ${s.deliveredFps} (${notes.join(', ')})`;
        })
        .join('; ');
      push(`| ${RELAY_LABEL[c.relay]} | ${c.bestFps ?? '–'} | ${fmt(c.bestP99Ms, 2)} | ${steps} |`);
    }
    const capacitySteps = results.capacity.filter((c) => c.relay === 'agentdesk' || c.relay === 'socketio').flatMap((c) => c.steps);
    push(
      '',
      `AgentDesk/Socket.IO delivered throughput at equal p99 bound: **${fmt(r.capacityVsSocketIo, 2)}×** ` +
        `(target ≥ 2×: ${judged(capacitySteps, r.capacityVsSocketIo === null ? null : r.capacityVsSocketIo >= 2)}).`,
    );
  }

  if (results.burst.length > 0) {
    push(
      '',
      `### Snapshot bursts (${plan.burstSessions} sessions streaming; one ${Math.round(plan.snapshotBytes / 2 ** 20)} MB snapshot every ${plan.snapshotEveryMs / 1000} s)`,
      '',
      `| relay | snapshot delivered p50 / max ms | other sessions p99 ms, first ${plan.burstWindowMs} ms of a burst | p99 between bursts | p99 without snapshots | lost |`,
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const b of results.burst) {
      push(
        `| ${RELAY_LABEL[b.relay]} | ${fmt(b.snapshot.p50Ms, 1)} / ${fmt(b.snapshot.maxMs, 1)} (${b.snapshotsReceived}/${b.snapshotsSent}) | ${fmt(b.othersDuringBurst.p99Ms, 2)} | ${fmt(b.othersCalm.p99Ms, 2)} | ${fmt(b.baseline.p99Ms, 2)} | ${b.lost} |`,
      );
    }
  }

  if (results.admission.length > 0) {
    push('', `### Agent admission (connect → welcome, ${plan.generators} generators; loaded ${plan.admissionMs / 1000} s, one at a time ${plan.admissionLatencyMs / 1000} s)`, '');
    push(
      `| handshake | handshakes/s (${plan.admissionConcurrency} in flight per generator) | p50 / p99 ms there | p50 / p99 ms one at a time | failures | relay CPU % | generators CPU % |`,
      '|---|---:|---:|---:|---:|---:|---|',
    );
    const label = { 'agentdesk-token': 'AgentDesk, agent token', 'agentdesk-token-jwt': 'AgentDesk, agent token + JWT (cached JWKS)', 'bare-ws': 'bare ws (no auth)' } as const;
    for (const a of results.admission) {
      push(`| ${label[a.mode]} | ${a.handshakesPerS} | ${fmt(a.latency.p50Ms, 1)} / ${fmt(a.latency.p99Ms, 1)} | ${fmt(a.unloadedLatency.p50Ms, 2)} / ${fmt(a.unloadedLatency.p99Ms, 2)} | ${a.failures} | ${a.relayCpuPct} | ${a.generatorCpuPct.join(' / ')} |`);
    }
  }

  if (results.memory.length > 0) {
    push('', '### Memory (RSS after a full GC; idle = identified/admitted, not paired; active = paired and streaming)', '');
    push('| relay | connections | RSS fresh / idle / active MB | KB per idle connection | KB per active session |', '|---|---:|---:|---:|---:|');
    for (const mem of results.memory) {
      push(`| ${RELAY_LABEL[mem.relay]} | ${mem.connections} | ${mem.baselineRssMb} / ${mem.idleRssMb} / ${mem.activeRssMb} | ${fmt(mem.idleKbPerConnection)} | ${fmt(mem.activeKbPerSession)} |`);
    }
    // Judged at the most connections measured: at fewer, the process's fixed costs (code compiled
    // on first use, buffers, caches) are spread over too few connections to say what one costs.
    const largest = results.memory.filter((x) => x.relay === 'agentdesk').sort((a, b) => b.connections - a.connections)[0];
    push(
      '',
      `AgentDesk at ${largest?.connections ?? '–'} connections: **${fmt(largest?.idleKbPerConnection)} KB per idle connection** (target < 10 KB: ${mark(largest ? largest.idleKbPerConnection < 10 : null)}).`,
    );
  }

  if (results.customerCost.length > 0) {
    push('', '### Customer cost (Chromium)', '');
    push(
      '| page | capture | elements | full snapshot ms | snapshot KB on the wire (JSON KB) | main thread ms/s while mutating: page alone → capturing | of which script | frames to the agent | long tasks > 50 ms after the snapshot (longest ms) |',
    );
    push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const c of results.customerCost) {
      const mutating = c.mutationsPerS === null ? 'not mutated' : `${c.mainThreadMsPerSBaseline} → ${c.mainThreadMsPerSCapturing} (${c.mutationsPerS} DOM changes/s)`;
      const script = c.mutationsPerS === null ? '–' : `${c.scriptMsPerSBaseline} → ${c.scriptMsPerSCapturing}`;
      const frames = c.incrementalFrames === null ? '–' : `${c.incrementalFrames} (${fmt((c.incrementalBytesPerS ?? 0) / 1024)} KB/s)`;
      push(
        `| ${c.page} | ${c.what} | ${c.nodes} | ${fmt(c.snapshotMs)} | ${Math.round(c.snapshotBytes / 1024)}${c.snapshotJsonBytes ? ` (${Math.round(c.snapshotJsonBytes / 1024)})` : ''} | ${mutating} | ${script} | ${frames} | ${c.longTasksOver50Ms} (${c.longestTaskMs}) |`,
      );
    }
    const gen = results.customerCost.find((c) => c.page.startsWith('generated') && c.what.includes('snippet'));
    push('', `Long tasks over 50 ms while capturing the ${gen?.nodes ?? '–'}-element page after the first snapshot: **${gen?.longTasksOver50Ms ?? '–'}** (target 0: ${mark(gen ? gen.longTasksOver50Ms === 0 : null)}).`);
  }

  const uplink = results.uplink ?? [];
  if (uplink.length > 0) {
    push('', "### The customer's uplink (Chromium, real snippet; plain = CompressionStream removed from the page, as in a browser without it)", '');
    push('| what | frames | compressed frames | keys/s | bytes/s (kbit/s) | join → whole first snapshot at the agent ms | snapshot bytes on the wire |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const u of uplink) {
      const rate = u.bytesPerS === null ? '–' : `${u.bytesPerS} (${fmt((u.bytesPerS * 8) / 1000)})`;
      push(`| ${u.what}, ${u.compressed ? 'compressed' : 'plain'} | ${u.frames} | ${u.framesDeflated} | ${fmt(u.keysPerS)} | ${rate} | ${u.joinToFirstSnapshotMs ?? '–'} | ${u.snapshotBytes ?? '–'} |`);
    }
    const typed = uplink.find((u) => u.compressed && u.bytesPerS !== null);
    if (typed) push('', `A customer typing sends **${fmt((typed.bytesPerS! * 8) / 1000)} kbit/s** compressed (Glance publishes about 50 kbit/s per session on average).`);
  }
  const growth = results.growth ?? [];
  if (growth.length > 0) {
    push('', '### How the first snapshot grows with the page (chart: cost-growth.svg beside results.json)', '');
    push(
      '| elements | frames | snapshot ready ms | JSON KB | on the wire KB | longest task ms (only tasks ≥ 50 ms are reported by the browser) | tasks > 50 ms | traced: longest task wall / on a CPU ms | traced: tasks > 50 ms wall / on a CPU | load average |',
      '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const g of growth) {
      const traced = g.traced ? `${fmt(g.traced.longestWallMs)} / ${fmt(g.traced.longestOnCpuMs)}` : '–';
      const tracedOver = g.traced ? `${g.traced.over50MsWall} / ${g.traced.over50MsOnCpu}` : '–';
      push(
        `| ${g.elements} | ${g.compressed ? 'compressed' : 'plain'} | ${fmt(g.snapshotMs)} | ${g.jsonBytes === null ? '–' : Math.round(g.jsonBytes / 1024)} | ${Math.round(g.wireBytes / 1024)}${g.tooLarge ? ' (over the 8 MiB ceiling: not shared)' : ''} | ${g.longestTaskMs} | ${g.tasksOver50Ms} | ${traced} | ${tracedOver} | ${fmt(g.loadAvg1 ?? null)} |`,
      );
    }
    const target = growth.find((g) => g.compressed && g.elements >= 10_000 && g.elements < 100_000);
    if (target) push('', snapshotVerdict(target));
  }

  const cluster = results.cluster;
  if (cluster) {
    push('', '### Cluster (3 nodes, Redis and PostgreSQL on this machine; bench/parts/cluster.ts)', '');
    push('| sessions | same node p50 / p99 ms | across nodes p50 / p99 ms | frames (same / across) | across / same p50 | across / same p99 |', '|---:|---:|---:|---:|---:|---:|');
    for (const l of cluster.latency) {
      push(`| ${l.sessions} | ${fmt(l.sameNode.p50Ms, 2)} / ${fmt(l.sameNode.p99Ms, 2)} | ${fmt(l.crossNode.p50Ms, 2)} / ${fmt(l.crossNode.p99Ms, 2)} | ${l.sameNode.frames} / ${l.crossNode.frames} | ${fmt(l.p50Ratio, 2)}× | ${fmt(l.p99Ratio, 2)}× |`);
    }
    push('', '| nodes | sessions | KB per session on each node (RSS) | Redis bytes per session |', '|---:|---:|---:|---:|');
    for (const m of cluster.memory) push(`| ${m.nodes} | ${m.sessions} | ${m.kbPerSessionPerNode.map((k) => fmt(k)).join(' / ')} | ${m.redisBytesPerSession} |`);
    const f = cluster.failover;
    push('', `Failover (kill -9 of the session's node → both sides resumed on other nodes): median **${fmt(f.medianMs, 0)} ms**, max ${fmt(f.maxMs, 0)} ms over ${f.tries} tries (${f.timesMs.join(', ')}).`, '', cluster.note);
  }

  const busy = results.stream.filter(busyGenerators).map((s) => `${RELAY_LABEL[s.relay]} at ${s.sessions}`);
  const starved = [...results.stream, ...results.capacity.flatMap((c) => c.steps)]
    .filter((s) => s.relayWaitPct >= RELAY_STARVED_PCT)
    .map((s) => `${RELAY_LABEL[s.relay]} at ${s.offeredFps} frames/s`);
  push('', '### Load generators and the machine');
  push(
    '',
    busy.length === 0
      ? `No generator passed ${GENERATOR_BUSY_PCT}% of a core or sent more than ${SEND_LAG_BUSY_MS} ms late in the latency runs.`
      : `Generators were busy (≥ ${GENERATOR_BUSY_PCT}% of a core) or sent late (p99 send lag > ${SEND_LAG_BUSY_MS} ms) in: ${busy.join(', ')}; ` +
          'there the numbers include generator queueing (late sends with little generator CPU mean the machine was busy).',
    '',
    starved.length === 0
      ? `No relay waited for a CPU ${RELAY_STARVED_PCT}% of a window or more.`
      : `Relays waited for a CPU ≥ ${RELAY_STARVED_PCT}% of the window (other processes held the cores) in: ${[...new Set(starved)].join(', ')}; ` +
          'those rows measure the machine, not the relay: rerun on a quiet machine.',
  );
  if (results.failures.length > 0) {
    push('', '### Parts that failed', '');
    for (const f of results.failures) push(`- ${f.part}: ${f.error.split('\n')[0]}`);
  }
  return out.join('\n');
}
