// Customer cost (issue 6), in Chromium: the snippet's full-snapshot time and size on the demo
// page and on a generated 10,000-element page, and the main-thread time per second while the
// generated page mutates, first without co-browse (what the page costs by itself) and then while
// an agent watches. Long tasks over 50 ms after the first snapshot are counted. The pages come
// from the demo site server (demo/site/serve-site.ts) on 127.0.0.1, the snippet from AgentDesk's
// server (/cobrowse/snippet.js, built by `npm run build:snippet`), and a real agent socket joins
// by the code the page got. A reference row runs rrweb's record alone on the generated page.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright';
import { AGENT_TOKEN_HEADER, PageFrameKind, pageFrameKindOf } from '../../common/protocol.js';
import type { BenchPlan } from '../bench-limits.js';
import { generatedPageHtml } from '../browser/generated-page.js';
import { PAGE_PROBE_JS } from '../browser/page-probe.js';
import type { CustomerCostRow } from '../lib/results.js';
import type { Rig } from '../lib/rig.js';
import { SOCKET_WAIT_MS, openSocket } from '../load/socket-waits.js';
import { snippetUi } from '../../test/support/snippet-ui.js';
import { withSnippetRig } from './snippet-rig.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const RRWEB_RECORD = join(REPO_ROOT, 'node_modules/@rrweb/record/dist/record.umd.min.cjs');
/** Mutation ticks: 10 a second, each 14 DOM changes (see page-probe.ts): a busy shop page, not a stress test. */
const MUTATION_EVERY_MS = 100;
/** The long-task threshold (the browser's own definition of a long task). */
const LONG_TASK_MS = 50;

export interface LongTask {
  readonly start: number;
  readonly duration: number;
}

interface ProbeCapture {
  readonly snapshotMs: number;
  readonly snapshotBytes: number;
  /** Page clock: when the capture call began, and a task after the snapshot's task ended. */
  readonly startedAt: number;
  readonly done: number;
}

/** Calls the probe's window.__bench (page-probe.ts) with JSON arguments. */
export function probe<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(`window.__bench.${method}(${args.map((a) => JSON.stringify(a)).join(',')})`) as Promise<T>;
}

interface PhaseCost {
  /** Main-thread busy time (CDP TaskDuration: script, style, layout, paint) per second. */
  readonly msPerS: number;
  /** Of which JavaScript (CDP ScriptDuration): what capture itself adds shows here. */
  readonly scriptMsPerS: number;
  readonly opsPerS: number;
}

/**
 * Main-thread time per second over a phase, with the page's DOM changes per second. With
 * `profileFile`, the page's JavaScript is profiled over the phase (V8 profiler through CDP).
 */
async function mainThreadPhase(page: Page, ms: number, mutate: boolean, profileFile: string | null = null): Promise<PhaseCost> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  if (profileFile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const read = async (): Promise<{ task: number; script: number }> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const value = (name: string): number => metrics.find((m) => m.name === name)?.value ?? 0;
    return { task: value('TaskDuration'), script: value('ScriptDuration') };
  };
  const before = await read();
  const t0 = performance.now();
  if (mutate) await probe(page, 'startMutations', MUTATION_EVERY_MS);
  await new Promise((r) => setTimeout(r, ms));
  const ops = mutate ? await probe<number>(page, 'stopMutations') : 0;
  const wallS = (performance.now() - t0) / 1000;
  const after = await read();
  if (profileFile) writeFileSync(profileFile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
  await cdp.detach();
  return { msPerS: ((after.task - before.task) * 1000) / wallS, scriptMsPerS: ((after.script - before.script) * 1000) / wallS, opsPerS: ops / wallS };
}

/** The long task the snapshot ran in: its presence also shows the page's observer works. */
function taskAround(tasks: readonly LongTask[], start: number, end: number): number | null {
  const task = tasks.find((t) => t.start <= start + 1 && t.start + t.duration >= end - 1);
  return task ? Math.round(task.duration) : null;
}

function longTaskSummary(tasks: readonly LongTask[]): { count: number; longest: number } {
  return { count: tasks.filter((t) => t.duration > LONG_TASK_MS).length, longest: Math.round(Math.max(0, ...tasks.map((t) => t.duration))) };
}

async function rrwebReference(browser: Browser, url: string, plan: BenchPlan): Promise<CustomerCostRow> {
  const context = await browser.newContext();
  try {
    await context.addInitScript({ content: PAGE_PROBE_JS });
    // The UMD bundle attaches to `this`, which an init script does not set to window.
    await context.addInitScript({ content: `(function () {\n${readFileSync(RRWEB_RECORD, 'utf8')}\n}).call(window);` });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const nodes = await probe<number>(page, 'elementCount');
    const baseline = await mainThreadPhase(page, plan.mutationMs, true);
    const capture = await probe<ProbeCapture>(page, 'startCapture');
    const capturing = await mainThreadPhase(page, plan.mutationMs, true);
    const tasks = await probe<LongTask[]>(page, 'longTasksSince', 0);
    const after = longTaskSummary(tasks.filter((t) => t.start >= capture.done));
    await probe(page, 'stopCapture');
    return {
      page: `generated ${plan.generatedNodes}`,
      what: 'rrweb record alone (reference), events to JSON',
      nodes,
      snapshotMs: round1(capture.snapshotMs),
      snapshotBytes: capture.snapshotBytes,
      snapshotJsonBytes: capture.snapshotBytes,
      mainThreadMsPerSBaseline: Math.round(baseline.msPerS),
      mainThreadMsPerSCapturing: Math.round(capturing.msPerS),
      scriptMsPerSBaseline: Math.round(baseline.scriptMsPerS),
      scriptMsPerSCapturing: Math.round(capturing.scriptMsPerS),
      longTasksOver50Ms: after.count,
      longestTaskMs: after.longest,
      mutationsPerS: Math.round(capturing.opsPerS),
      incrementalFrames: null,
      incrementalBytesPerS: null,
      snapshotTaskMs: taskAround(tasks, capture.startedAt, capture.startedAt + capture.snapshotMs),
    };
  } finally {
    await context.close();
  }
}

async function snippetOnPage(
  browser: Browser,
  rig: Rig,
  url: string,
  label: string,
  mutate: boolean,
  plan: BenchPlan,
  profileFile: string | null,
): Promise<CustomerCostRow> {
  const context = await browser.newContext();
  const frames: Buffer[] = [];
  let agentClose = (): void => {};
  try {
    await context.addInitScript({ content: PAGE_PROBE_JS });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    // The snippet's UI is in a closed shadow root: driven through DevTools with the real mouse.
    const ui = snippetUi(page);
    await ui.waitForButton('Co-browse', SOCKET_WAIT_MS);
    const nodes = await probe<number>(page, 'elementCount');
    const baseline = mutate ? await mainThreadPhase(page, plan.mutationMs, true) : null;

    // The customer starts co-browse; the agent joins with the code the page got.
    const created = page.waitForResponse((r) => r.url().endsWith('/cobrowse/rest/sessions') && r.request().method() === 'POST', { timeout: SOCKET_WAIT_MS });
    await ui.click('Co-browse');
    const { code } = (await (await created).json()) as { code: string };
    const agent = await openSocket(`${rig.url.replace(/^http/, 'ws')}/cobrowse/agent`, { [AGENT_TOKEN_HEADER]: rig.agentToken! }, 'agent', (f) => frames.push(f));
    agentClose = () => agent.ws.terminate();
    await agent.inbox.next('welcome');
    agent.ws.send(JSON.stringify({ type: 'join', code }));
    await agent.inbox.next('joined');
    const deadline = Date.now() + SOCKET_WAIT_MS;
    while (!frames.some((f) => pageFrameKindOf(f[0]) === PageFrameKind.Snapshot)) {
      if (Date.now() > deadline) throw new Error(`${label}: no snapshot frame reached the agent within ${SOCKET_WAIT_MS} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const snapshotFrame = frames.find((f) => pageFrameKindOf(f[0]) === PageFrameKind.Snapshot)!;
    // The snippet measures its own snapshot (capture.ts: performance.measure 'agentdesk:snapshot').
    const [measure] = await page.evaluate(
      `performance.getEntriesByName('agentdesk:snapshot').map((e) => ({ start: e.startTime, duration: e.duration, jsonBytes: e.detail?.jsonBytes ?? null }))`,
    ) as { start: number; duration: number; jsonBytes: number | null }[];
    if (!measure) throw new Error(`${label}: the snippet recorded no agentdesk:snapshot measure`);
    const snapshotEnd = measure.start + measure.duration;
    const framesBefore = frames.length;
    const capturing = await mainThreadPhase(page, plan.mutationMs, mutate, profileFile);
    const incremental = frames.slice(framesBefore).filter((f) => pageFrameKindOf(f[0]) === PageFrameKind.Incremental);
    const tasks = await probe<LongTask[]>(page, 'longTasksSince', 0);
    const after = longTaskSummary(tasks.filter((t) => t.start >= snapshotEnd));
    return {
      page: label,
      what: 'AgentDesk snippet (dist/snippet), agent joined',
      nodes,
      snapshotMs: round1(measure.duration),
      snapshotBytes: snapshotFrame.length,
      snapshotJsonBytes: measure.jsonBytes,
      mainThreadMsPerSBaseline: baseline ? Math.round(baseline.msPerS) : null,
      mainThreadMsPerSCapturing: mutate ? Math.round(capturing.msPerS) : null,
      scriptMsPerSBaseline: baseline ? Math.round(baseline.scriptMsPerS) : null,
      scriptMsPerSCapturing: mutate ? Math.round(capturing.scriptMsPerS) : null,
      longTasksOver50Ms: after.count,
      longestTaskMs: after.longest,
      mutationsPerS: mutate ? Math.round(capturing.opsPerS) : null,
      incrementalFrames: incremental.length,
      incrementalBytesPerS: Math.round(incremental.reduce((n, f) => n + f.length, 0) / (plan.mutationMs / 1000)),
      snapshotTaskMs: taskAround(tasks, measure.start, snapshotEnd),
    };
  } finally {
    agentClose();
    await context.close();
  }
}

/** With `profile`, the generated page's JavaScript is profiled while the snippet captures it. */
export async function runCustomerCostPart(plan: BenchPlan, outDir: string, log: (line: string) => void, profile: boolean): Promise<CustomerCostRow[]> {
  const pages = { '/generated.html': generatedPageHtml(plan.generatedNodes, true), '/generated-plain.html': generatedPageHtml(plan.generatedNodes, false) };
  return withSnippetRig({ outDir, label: 'customer-cost', pages }, async ({ browser, rig, at: pageUrl }) => {
    const rows: CustomerCostRow[] = [];
    rows.push(await snippetOnPage(browser, rig, pageUrl('/index.html'), 'demo site (claim form)', false, plan, null));
    const pageProfile = profile ? join(outDir, 'customer-generated-snippet.cpuprofile') : null;
    rows.push(await snippetOnPage(browser, rig, pageUrl('/generated.html'), `generated ${plan.generatedNodes}`, true, plan, pageProfile));
    rows.push(await rrwebReference(browser, pageUrl('/generated-plain.html'), plan));
    for (const row of rows) {
      log(
        `  ${row.page} (${row.what}): ${row.nodes} elements, snapshot ${row.snapshotMs} ms / ${Math.round(row.snapshotBytes / 1024)} KB, ` +
          `main thread ${row.mainThreadMsPerSBaseline ?? '–'} → ${row.mainThreadMsPerSCapturing ?? '–'} ms/s (script ${row.scriptMsPerSBaseline ?? '–'} → ${row.scriptMsPerSCapturing ?? '–'}), long tasks > 50 ms after the snapshot: ` +
          `${row.longTasksOver50Ms} (longest ${row.longestTaskMs} ms; the snapshot's own task ${row.snapshotTaskMs ?? '–'} ms)`,
      );
    }
    return rows;
  });
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
