// Customer cost (issue 6), in Chromium: the full-snapshot time and size of capture on a page, and
// the main-thread time per second while the page mutates, first without capture (what the page
// costs by itself) and then capturing. Long tasks over 50 ms after the first snapshot are counted.
// Pages are served from 127.0.0.1; Chromium is the system one (scripts/install-system-deps.sh).
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright';
import type { BenchPlan } from '../bench-limits.js';
import { generatedPageHtml } from '../browser/generated-page.js';
import { PAGE_PROBE_JS } from '../browser/page-probe.js';
import type { CustomerCostRow } from '../lib/results.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const RRWEB_RECORD = join(REPO_ROOT, 'node_modules/@rrweb/record/dist/record.umd.min.cjs');
const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
/** Mutation ticks: 10 a second, each 14 DOM changes (see page-probe.ts): a busy shop page, not a stress test. */
const MUTATION_EVERY_MS = 100;
/** The long-task threshold (the browser's own definition of a long task). */
const LONG_TASK_MS = 50;

interface ProbeCapture {
  snapshotMs: number;
  snapshotBytes: number;
  /** Page clock: when the capture call began, and a task after the snapshot's task ended. */
  startedAt: number;
  done: number;
}


export async function runCustomerCostPart(plan: BenchPlan, log: (line: string) => void): Promise<CustomerCostRow[]> {
  const executablePath = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!executablePath) throw new Error('no Chromium found (npm run setup:system installs it)');
  const recordJs = readFileSync(RRWEB_RECORD, 'utf8');
  const pageHtml = generatedPageHtml(plan.generatedNodes);
  const server = createServer((req, res) => {
    const routes: Record<string, [string, string]> = {
      '/generated': ['text/html', pageHtml],
      '/record.js': ['text/javascript', recordJs],
      '/probe.js': ['text/javascript', PAGE_PROBE_JS],
    };
    const route = routes[req.url ?? ''];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': route[0] }).end(route[1]);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    /** Calls the probe's window.__bench (page-probe.ts) with JSON arguments. */
    const probe = <T>(method: string, ...args: unknown[]): Promise<T> =>
      page.evaluate(`window.__bench.${method}(${args.map((a) => JSON.stringify(a)).join(',')})`) as Promise<T>;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async (): Promise<number> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
    };
    /** Mutates for mutationMs; returns main-thread ms per second and mutations per second. */
    const mutatePhase = async (): Promise<{ msPerS: number; opsPerS: number; startedAt: number }> => {
      const startedAt = await probe<number>('now');
      const before = await taskSeconds();
      const t0 = performance.now();
      await probe('startMutations', MUTATION_EVERY_MS);
      await new Promise((r) => setTimeout(r, plan.mutationMs));
      const ops = await probe<number>('stopMutations');
      const wallS = (performance.now() - t0) / 1000;
      return { msPerS: ((await taskSeconds()) - before) * 1000 / wallS, opsPerS: ops / wallS, startedAt };
    };

    await page.goto(`${origin}/generated`, { waitUntil: 'load' });
    const nodes = await probe<number>('elementCount');
    const baseline = await mutatePhase();
    const capture = await probe<ProbeCapture>('startCapture');
    const capturing = await mutatePhase();
    const stats = await probe<{ events: number; bytes: number }>('captureStats');
    const allLongTasks = await probe<{ start: number; duration: number }[]>('longTasksSince', 0);
    const longTasks = allLongTasks.filter((t) => t.start >= capture.done);
    // The snapshot itself runs as one task; the observer seeing it shows long tasks are observed at all.
    const snapshotTask = allLongTasks.find((t) => t.start <= capture.startedAt && t.start + t.duration >= capture.startedAt + capture.snapshotMs);
    await probe('stopCapture');
    const row: CustomerCostRow = {
      page: 'generated',
      what: 'rrweb record (@rrweb/record), events serialized to JSON',
      nodes,
      snapshotMs: Math.round(capture.snapshotMs * 10) / 10,
      snapshotBytes: capture.snapshotBytes,
      mainThreadMsPerSBaseline: Math.round(baseline.msPerS),
      mainThreadMsPerSCapturing: Math.round(capturing.msPerS),
      longTasksOver50Ms: longTasks.filter((t) => t.duration > LONG_TASK_MS).length,
      longestTaskMs: Math.round(Math.max(0, ...longTasks.map((t) => t.duration))),
      mutationsPerS: Math.round(capturing.opsPerS),
      snapshotTaskMs: snapshotTask ? Math.round(snapshotTask.duration) : null,
    };
    log(
      `  ${row.page}: ${nodes} elements, snapshot ${row.snapshotMs} ms / ${Math.round(row.snapshotBytes / 1024)} KB, main thread ` +
        `${row.mainThreadMsPerSBaseline} → ${row.mainThreadMsPerSCapturing} ms/s capturing (${stats.events} events), ` +
        `long tasks > 50 ms after it: ${row.longTasksOver50Ms} (longest ${row.longestTaskMs} ms; the snapshot's own task ${row.snapshotTaskMs ?? '–'} ms)`,
    );
    return [row];
  } finally {
    await browser.close();
    await new Promise((done) => server.close(done));
  }
}
