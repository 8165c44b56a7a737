// Cluster (issue 14): real Redis, PostgreSQL and agentdesk-server nodes (Debian's packages, the
// cluster tests' helpers), driven by ws clients in this process.
//
// - Relay latency, cross-node against same-node, at 100 and 500 sessions: every session's customer
//   sends 1 KiB page frames at a steady rate to its home node; the agent sits on the same node
//   (direct path) or on the next node (frames go home → Redis pub/sub → agent's node). The figure
//   is the p99 ratio cross/same at the same load.
// - Failover: kill -9 of the node holding both sides; time until both resumed on other nodes.
// - Memory: each node's RSS growth per session it holds, with 2 and then 3 nodes, and Redis's
//   used_memory per session. Per-node cost flat as nodes are added is what a cluster promises;
//   throughput scaling is not shown: this machine has two cores, so more nodes share the same two
//   cores with Redis and the load, and adding a node cannot add capacity here.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { PageFrameKind } from '../../common/protocol.js';
import type { ServerProcess } from '../../test/integration/server/helpers/server-process.js';
import type { TestSocket } from '../../test/integration/server/net-helpers/ws-client.js';
import { missingBinaries } from '../../test/integration/cluster/helpers/binaries.js';
import { sleep } from '../../test/integration/cluster/helpers/child-processes.js';
import { BENCH_SERVER_LIMITS } from '../bench-limits.js';
import { startClusterBackends } from '../../test/integration/cluster/helpers/cluster-backends.js';
import { agentBack, customerBack, joinedSession } from '../../test/integration/cluster/helpers/cluster-clients.js';
import type { ClusterFixture } from '../../test/integration/cluster/helpers/cluster-nodes.js';

const TOKEN = '16180339887498948482045868';
const FRAME_BYTES = 1024;
/** Frames per second per session: 500 sessions → 1 000 frames/s through the cluster, within what two shared cores carry. */
const FRAME_HZ = 2;
const FAILOVER_TRIES = 5;

export interface ClusterLatencyRow {
  readonly sessions: number;
  readonly sameNode: { readonly p50Ms: number; readonly p99Ms: number; readonly frames: number };
  readonly crossNode: { readonly p50Ms: number; readonly p99Ms: number; readonly frames: number };
  /** p99 cross-node / p99 same-node. */
  readonly p99Ratio: number;
  /** p50 cross-node / p50 same-node: on a loaded shared machine the median shows the extra hop better than the tail. */
  readonly p50Ratio: number;
}

export interface ClusterMemoryRow {
  readonly nodes: number;
  readonly sessions: number;
  /** Each node's RSS growth divided by the sessions it is home to (no forced GC: RSS as an operator sees it). */
  readonly kbPerSessionPerNode: readonly number[];
  readonly redisBytesPerSession: number;
}

export interface ClusterResult {
  readonly latency: readonly ClusterLatencyRow[];
  readonly failover: { readonly tries: number; readonly medianMs: number; readonly maxMs: number; readonly timesMs: readonly number[] };
  readonly memory: readonly ClusterMemoryRow[];
  readonly note: string;
}

interface Pair {
  readonly customer: TestSocket;
  readonly agent: TestSocket;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
}

async function redisUsedMemory(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    const info = await redis.info('memory');
    return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  } finally {
    redis.disconnect();
  }
}

/** `count` paired sessions, session i homed on nodes[i % n] with its agent on the same or the next node. */
async function pairSessions(nodes: readonly ServerProcess[], count: number, crossNode: boolean): Promise<Pair[]> {
  const pairs: Pair[] = [];
  // A few at a time: each is an HTTP request and two handshakes, and the nodes share two cores.
  const BATCH = 20;
  for (let start = 0; start < count; start += BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(BATCH, count - start) }, async (_, j) => {
        const i = start + j;
        const home = nodes[i % nodes.length]!;
        const agentNode = crossNode ? nodes[(i + 1) % nodes.length]! : home;
        const { customer, agent } = await joinedSession({ home, agentNode, token: TOKEN, ms: 10_000 });
        return { customer, agent };
      }),
    );
    pairs.push(...batch);
  }
  return pairs;
}

/** Streams from every customer at FRAME_HZ; returns the sorted latencies (ms) seen in the measured window. */
async function stream(pairs: readonly Pair[], warmupMs: number, measureMs: number): Promise<number[]> {
  const latencies: number[] = [];
  let measuring = false;
  const frame = Buffer.alloc(FRAME_BYTES, 0x20);
  frame[0] = PageFrameKind.Incremental;
  const onFrame = (data: Buffer, isBinary: boolean): void => {
    if (!isBinary || data.length !== FRAME_BYTES) return;
    if (measuring) latencies.push(performance.now() - data.readDoubleLE(1));
  };
  for (const p of pairs) p.agent.ws.on('message', onFrame);
  const periodMs = 1000 / FRAME_HZ;
  const timers: NodeJS.Timeout[] = [];
  pairs.forEach((p, i) => {
    const send = (): void => {
      frame.writeDoubleLE(performance.now(), 1);
      p.customer.ws.send(frame, { binary: true });
    };
    // Staggered so the load is steady, not a burst every period.
    timers.push(
      setTimeout(() => {
        send();
        timers.push(setInterval(send, periodMs));
      }, (i / pairs.length) * periodMs),
    );
  });
  await sleep(warmupMs);
  measuring = true;
  await sleep(measureMs);
  measuring = false;
  for (const t of timers) clearTimeout(t);
  await sleep(500);
  for (const p of pairs) p.agent.ws.off('message', onFrame);
  return latencies.sort((a, b) => a - b);
}

async function closePairs(pairs: readonly Pair[]): Promise<void> {
  for (const p of pairs) {
    p.agent.send({ type: 'leave' });
    p.agent.close();
    p.customer.close();
  }
  await sleep(500);
}

async function failoverOnce(cluster: ClusterFixture, nodes: ServerProcess[], name: string): Promise<{ ms: number; nodes: ServerProcess[] }> {
  const [home, a, b] = nodes as [ServerProcess, ServerProcess, ServerProcess];
  const { session, customer, agent, joined } = await joinedSession({ home, token: TOKEN });
  // The home shares the session's state a moment (200 ms) after a change; the kill lands after it.
  await sleep(300);
  const killedAt = Date.now();
  await home.stop('SIGKILL');
  const [c, g] = await Promise.all([customerBack(a, session), agentBack(b, TOKEN, joined.resumeToken)]);
  const ms = Date.now() - killedAt;
  if (c.answer.resumed !== true || g.answer.resumed !== true) throw new Error('a side did not resume the same session');
  g.socket.send({ type: 'leave' });
  c.socket.close();
  g.socket.close();
  customer.close();
  agent.close();
  return { ms, nodes: [a, b, await cluster.startNode(name)] };
}

export async function runClusterPart(quick: boolean, log: (line: string) => void): Promise<ClusterResult> {
  const missing = missingBinaries(['redis-server', 'initdb', 'pg_ctl']);
  if (missing) throw new Error(`the cluster part needs Debian's redis-server and postgresql-15: ${missing}`);
  const sizes = quick ? [100] : [100, 500];
  const warmupMs = quick ? 1_000 : 2_000;
  const measureMs = quick ? 3_000 : 8_000;
  const backends = await startClusterBackends({ 'slave.password': TOKEN }, { limits: BENCH_SERVER_LIMITS });
  const { redis, cluster } = backends;
  let nodes: ServerProcess[] = [];
  try {
    let started = 0;
    const startNodes = async (n: number): Promise<ServerProcess[]> => Promise.all(Array.from({ length: n }, () => cluster.startNode(`b${started++}`)));

    // Memory first, on fresh nodes: 2 nodes, then 3, the same sessions per node count.
    const memory: ClusterMemoryRow[] = [];
    const memorySessions = quick ? 100 : 500;
    for (const count of [2, 3]) {
      nodes = await startNodes(count);
      await sleep(1_000);
      const before = nodes.map((n) => rssBytes(n.child.pid!));
      const redisBefore = await redisUsedMemory(redis.url);
      const pairs = await pairSessions(nodes, memorySessions, false);
      await stream(pairs, 0, 2_000);
      const after = nodes.map((n) => rssBytes(n.child.pid!));
      const redisAfter = await redisUsedMemory(redis.url);
      const perNode = nodes.map((_, i) => {
        const homed = Math.ceil((memorySessions - i) / count);
        return Math.round(((after[i]! - before[i]!) / 1024 / homed) * 10) / 10;
      });
      const row: ClusterMemoryRow = { nodes: count, sessions: memorySessions, kbPerSessionPerNode: perNode, redisBytesPerSession: Math.round((redisAfter - redisBefore) / memorySessions) };
      memory.push(row);
      log(`  memory, ${count} nodes, ${memorySessions} sessions: ${perNode.join(' / ')} KB per session per node (RSS), Redis ${row.redisBytesPerSession} B per session`);
      await closePairs(pairs);
      await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    }

    nodes = await startNodes(3);
    const latency: ClusterLatencyRow[] = [];
    for (const sessions of sizes) {
      const measured: Record<'same' | 'cross', { p50Ms: number; p99Ms: number; frames: number }> = { same: { p50Ms: 0, p99Ms: 0, frames: 0 }, cross: { p50Ms: 0, p99Ms: 0, frames: 0 } };
      for (const mode of ['same', 'cross'] as const) {
        const pairs = await pairSessions(nodes, sessions, mode === 'cross');
        const got = await stream(pairs, warmupMs, measureMs);
        measured[mode] = { p50Ms: round2(percentile(got, 50)), p99Ms: round2(percentile(got, 99)), frames: got.length };
        await closePairs(pairs);
      }
      const row: ClusterLatencyRow = { sessions, sameNode: measured.same, crossNode: measured.cross, p99Ratio: round2(measured.cross.p99Ms / measured.same.p99Ms), p50Ratio: round2(measured.cross.p50Ms / measured.same.p50Ms) };
      latency.push(row);
      log(
        `  ${sessions} sessions, 3 nodes, ${FRAME_HZ} frames/s each: same-node p50 ${row.sameNode.p50Ms} ms p99 ${row.sameNode.p99Ms} ms; ` +
          `cross-node p50 ${row.crossNode.p50Ms} ms p99 ${row.crossNode.p99Ms} ms; ratio p50 ${row.p50Ratio}, p99 ${row.p99Ratio}`,
      );
    }

    const times: number[] = [];
    const tries = quick ? 2 : FAILOVER_TRIES;
    for (let i = 0; i < tries; i++) {
      const once = await failoverOnce(cluster, nodes, `b${started++}`);
      nodes = once.nodes;
      times.push(once.ms);
    }
    const sorted = [...times].sort((x, y) => x - y);
    const failover = { tries, medianMs: sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2, maxMs: sorted.at(-1)!, timesMs: times };
    log(`  failover (kill -9 → both sides resumed): median ${failover.medianMs} ms, max ${failover.maxMs} ms over ${tries} tries (${times.join(', ')})`);
    const note =
      'All nodes, Redis, PostgreSQL and the load share this machine\'s cores, not pinned: two cores cannot show throughput scaling as nodes are added, only that per-node cost per session stays flat.';
    log(`  ${note}`);
    return { latency, failover, memory, note };
  } finally {
    await backends.stop(nodes);
  }
}
