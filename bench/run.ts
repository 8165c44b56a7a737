// npm run bench [-- --quick] [-- --profile] [-- --no-pin] [-- --only=stream,admission,memory,customer,page,cluster]
// Each relay runs pinned to a CPU of its own and the load generators to the others (lib/cpu-pinning.ts)
// unless --no-pin; the results record where everything ran.
// npm run bench -- --render [FILE]   prints the table of a results file (default bench/results.json)
// --profile writes a CPU profile of each relay's measured windows at the ratio size, and of the
// generated page's JavaScript while the snippet captures it (bench/.out/<run>/*.cpuprofile;
// read them with bench/tools/profile-top.ts).
// Starts each relay on 127.0.0.1 in its own process, drives it from load-generator processes,
// prints one table and writes bench/results.json (a --quick or --only run writes
// bench/.out/results-partial.json instead, so the committed result stays a full run).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HARNESS_LIMITS, benchPlan, type BenchPlan } from './bench-limits.js';
import { pinningPlan } from './lib/cpu-pinning.js';
import type { BenchResults } from './lib/results.js';
import { usePinning } from './lib/rig.js';
import { runAdmissionPart } from './parts/admission.js';
import { runClusterPart, type ClusterResult } from './parts/cluster.js';
import { runCustomerCostPart } from './parts/customer-cost.js';
import { runMemoryPart } from './parts/memory.js';
import { runPageStreamPart, type PageStreamResult } from './parts/page-stream.js';
import { runStreamPart, type StreamPartResult } from './parts/relay-streams.js';
import { renderChart } from './chart.js';
import { renderReport } from './report.js';

const PARTS = ['stream', 'admission', 'memory', 'customer', 'page', 'cluster'] as const;
type Part = (typeof PARTS)[number];

const BENCH_DIR = import.meta.dirname;

function parseCli(): { quick: boolean; profile: boolean; noPin: boolean; only: readonly Part[]; render: string | null } {
  const { values, positionals } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      only: { type: 'string' },
      render: { type: 'boolean', default: false },
      'no-pin': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const only = values.only ? values.only.split(',') : [...PARTS];
  for (const p of only) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--only takes a list of ${PARTS.join(', ')}; got "${p}"`);
  if (positionals.length > (values.render ? 1 : 0)) throw new Error(`unexpected argument ${positionals.join(' ')}`);
  const render = values.render ? (positionals[0] ?? join(BENCH_DIR, 'results.json')) : null;
  return { quick: values.quick, profile: values.profile, noPin: values['no-pin'], only: only as Part[], render };
}

async function main(): Promise<void> {
  const cli = parseCli();
  if (cli.render) {
    const saved = JSON.parse(readFileSync(cli.render, 'utf8')) as BenchResults & { plan: BenchPlan };
    process.stdout.write(`${renderReport(saved, saved.plan)}\n`);
    return;
  }
  const plan = benchPlan(cli.quick);
  const started = Date.now();
  const outDir = resolve(BENCH_DIR, '.out', new Date(started).toISOString().replace(/[:.]/g, '-'));
  mkdirSync(outDir, { recursive: true });
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const deadlineMs = cli.quick ? HARNESS_LIMITS.quickRunMs : HARNESS_LIMITS.wholeRunMs;
  // What the finished parts measured, so a run stopped by the watchdog still leaves its figures.
  let soFar: (() => BenchResults) | null = null;
  const watchdog = setTimeout(() => {
    log(`bench: still running after ${deadlineMs / 1000} s; stopping (logs in ${outDir})`);
    if (soFar) {
      const stopped = soFar();
      writeFileSync(join(outDir, 'results-stopped.json'), `${JSON.stringify({ plan, ...stopped }, null, 2)}\n`);
      log(renderReport(stopped, plan));
      log(`The parts that finished: ${join(outDir, 'results-stopped.json')}`);
    }
    process.exit(2);
  }, deadlineMs);
  watchdog.unref();
  log(`bench${cli.quick ? ' --quick' : ''}: logs and profiles in ${outDir}`);

  const failures: { part: string; error: string }[] = [];
  const attempt = async <T>(part: Part, title: string, run: () => Promise<T>, fallback: T): Promise<T> => {
    if (!cli.only.includes(part)) return fallback;
    log(`${title}`);
    try {
      return await run();
    } catch (err) {
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(`  failed: ${error}`);
      failures.push({ part: title, error });
      return fallback;
    }
  };

  const pinning = pinningPlan(cli.noPin);
  usePinning(pinning);
  log(`CPU pinning: ${pinning.note}`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, loadAvgAtStart: loadavg() };
  let streams: Omit<StreamPartResult, 'failures'> = { stream: [], burst: [], capacity: [] };
  let admission: BenchResults['admission'] = [];
  let memory: BenchResults['memory'] = [];
  let customerCost: BenchResults['customerCost'] = [];
  let pageStream: PageStreamResult = { uplink: [], growth: [] };
  let cluster: ClusterResult | null = null;
  soFar = () => ({
    startedAt: new Date(started).toISOString(),
    quick: cli.quick,
    machine,
    pinning,
    durationS: (Date.now() - started) / 1000,
    ...streams,
    admission,
    memory,
    customerCost,
    ...pageStream,
    ...(cluster ? { cluster } : {}),
    failures: failures.map((f) => ({ part: f.part, error: f.error.split('\n')[0]! })),
  });
  const { failures: streamFailures, ...streamRows } = await attempt('stream', 'Relay latency, snapshot bursts, capacity', () => runStreamPart(plan, outDir, log, cli.profile), {
    stream: [],
    burst: [],
    capacity: [],
    failures: [],
  });
  streams = streamRows;
  failures.push(...streamFailures);
  admission = await attempt('admission', 'Agent admission', () => runAdmissionPart(plan, outDir, log), []);
  memory = await attempt('memory', 'Memory', () => runMemoryPart(plan, outDir, log), []);
  customerCost = await attempt('customer', 'Customer cost', () => runCustomerCostPart(plan, outDir, log, cli.profile), []);
  pageStream = await attempt('page', "Customer's uplink and the first snapshot's growth", () => runPageStreamPart(plan, outDir, log, cli.profile), { uplink: [], growth: [] });
  cluster = await attempt('cluster', 'Cluster: cross-node relay, failover, memory per node', () => runClusterPart(cli.quick, log), null);

  const results: BenchResults = soFar();
  const partial = cli.quick || cli.only.length < PARTS.length;
  const resultsFile = partial ? join(BENCH_DIR, '.out', 'results-partial.json') : join(BENCH_DIR, 'results.json');
  writeFileSync(resultsFile, `${JSON.stringify({ plan, ...results }, null, 2)}\n`);
  writeFileSync(join(outDir, 'report.md'), `${renderReport(results, plan)}\n`);
  const chartFile = partial ? join(outDir, 'cost-growth.svg') : join(BENCH_DIR, 'cost-growth.svg');
  writeFileSync(chartFile, renderChart(results));
  log('');
  log(renderReport(results, plan));
  log('');
  log(`Results: ${resultsFile}, chart: ${chartFile} (${Math.round(results.durationS)} s)`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

await main();
