// The customer's uplink (issue 15), in Chromium with the real snippet and a real agent socket:
// bytes per second while a customer types on the demo claim form, the time from the agent's
// join to the whole first snapshot at the agent with the page's network throttled to 1 Mbit/s
// up (DevTools network emulation), and how the first snapshot's cost grows with the page
// (1,000 / 10,000 / 100,000 elements: time, bytes on the wire and as JSON, the page's longest
// task). Each is run with the page compressing (the snippet as shipped) and, for comparison,
// with CompressionStream removed from the page before the snippet loads, which is what a browser
// without it does: the frames go out as plain text.
import type { Browser, CDPSession, Page } from 'playwright';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { AGENT_TOKEN_HEADER, PAGE_FRAME_DEFLATED, PageFrameKind, pageFrameKindOf } from '../../common/protocol.js';
import type { BenchPlan } from '../bench-limits.js';
import { generatedPageHtml } from '../browser/generated-page.js';
import { PAGE_PROBE_JS } from '../browser/page-probe.js';
import type { GrowthRow, UplinkRow } from '../lib/results.js';
import { TASK_TRACE_CATEGORIES, mainThreadTasks } from '../lib/main-thread-tasks.js';
import type { Rig } from '../lib/rig.js';
import { SOCKET_WAIT_MS, openSocket } from '../load/socket-waits.js';
import { NET_LIMITS } from '../../server/limits.js';
import { snippetUi } from '../../test/support/snippet-ui.js';
import { probe, type LongTask } from './customer-cost.js';
import { withSnippetRig } from './snippet-rig.js';

/** What a browser without CompressionStream looks like to the snippet. */
const WITHOUT_COMPRESSION = 'delete window.CompressionStream;';
/** 1 Mbit/s up, as the phone; down stays fast (the agent's side is not the customer's). */
const THROTTLED_UP_BYTES_PER_S = 1_000_000 / 8;
const THROTTLED_LATENCY_MS = 40;
/** A steady typist: one key every 200 ms (300 characters a minute). */
const KEY_DELAY_MS = 200;

interface Joined {
  readonly page: Page;
  readonly frames: { readonly at: number; readonly data: Buffer }[];
  /** Orchestrator clock (performance.now) when the join was sent. */
  readonly joinSentAt: number;
  /** The page's CPU profile from the join on, when asked for. */
  stopProfile(): Promise<unknown>;
  /** The browser's trace from the join on, when asked for. */
  stopTrace(): Promise<Buffer | null>;
  close(): Promise<void>;
}

/** Opens the page, starts co-browse with the snippet's own button, lets an agent join by code. */
async function joinedPage(browser: Browser, rig: Rig, url: string, compress: boolean, throttle: boolean, profile = false, trace = false): Promise<Joined> {
  const context = await browser.newContext();
  const frames: { at: number; data: Buffer }[] = [];
  let agentClose = (): void => {};
  try {
    await context.addInitScript({ content: PAGE_PROBE_JS });
    if (!compress) await context.addInitScript({ content: WITHOUT_COMPRESSION });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    const ui = snippetUi(page);
    await ui.waitForButton('Co-browse', SOCKET_WAIT_MS);
    let cdp: CDPSession | null = null;
    if (throttle) {
      cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: THROTTLED_LATENCY_MS,
        downloadThroughput: -1,
        uploadThroughput: THROTTLED_UP_BYTES_PER_S,
      });
    }
    const created = page.waitForResponse((r) => r.url().endsWith('/cobrowse/rest/sessions') && r.request().method() === 'POST', { timeout: SOCKET_WAIT_MS });
    await ui.click('Co-browse');
    const { code } = (await (await created).json()) as { code: string };
    const agent = await openSocket(`${rig.url.replace(/^http/, 'ws')}/cobrowse/agent`, { [AGENT_TOKEN_HEADER]: rig.agentToken! }, 'agent', (f) =>
      frames.push({ at: performance.now(), data: f }),
    );
    agentClose = () => agent.ws.terminate();
    await agent.inbox.next('welcome');
    let profiler: CDPSession | null = null;
    if (profile) {
      profiler = await context.newCDPSession(page);
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.send('Profiler.start');
    }
    let tracing = trace;
    if (tracing) await browser.startTracing(page, { categories: TASK_TRACE_CATEGORIES });
    const joinSentAt = performance.now();
    agent.ws.send(JSON.stringify({ type: 'join', code }));
    await agent.inbox.next('joined');
    return {
      page,
      frames,
      joinSentAt,
      async stopProfile() {
        if (!profiler) return null;
        const { profile: taken } = await profiler.send('Profiler.stop');
        return taken;
      },
      async stopTrace() {
        if (!tracing) return null;
        tracing = false;
        return browser.stopTracing();
      },
      async close() {
        agentClose();
        if (tracing) await browser.stopTracing().catch(() => null);
        await context.close();
      },
    };
  } catch (err) {
    agentClose();
    await context.close();
    throw err;
  }
}

const isSnapshot = (f: { data: Buffer }): boolean => pageFrameKindOf(f.data[0]) === PageFrameKind.Snapshot;

async function firstSnapshot(joined: Joined, label: string, waitMs: number): Promise<{ at: number; data: Buffer }> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const found = joined.frames.find(isSnapshot);
    if (found) return found;
    if (performance.now() > deadline) throw new Error(`${label}: no snapshot reached the agent within ${waitMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Typing on the demo form: incremental bytes per second at the agent. */
async function typing(browser: Browser, rig: Rig, url: string, compress: boolean, ms: number): Promise<UplinkRow> {
  const joined = await joinedPage(browser, rig, url, compress, false);
  try {
    await firstSnapshot(joined, 'typing', SOCKET_WAIT_MS);
    await joined.page.click('#description');
    const from = joined.frames.length;
    const started = performance.now();
    const text = 'Rear-ended at the junction of High Street and Mill Lane while waiting at the red light; the other driver stopped. ';
    let typed = 0;
    while (performance.now() - started < ms) {
      await joined.page.keyboard.type(text[typed % text.length]!);
      typed += 1;
      await new Promise((r) => setTimeout(r, KEY_DELAY_MS));
    }
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 300));
    const frames = joined.frames.slice(from).filter((f) => pageFrameKindOf(f.data[0]) === PageFrameKind.Incremental);
    const bytes = frames.reduce((n, f) => n + f.data.length, 0);
    return {
      what: 'typing on the demo claim form',
      compressed: compress,
      framesDeflated: frames.filter((f) => (f.data[0]! & PAGE_FRAME_DEFLATED) !== 0).length,
      frames: frames.length,
      keysPerS: Math.round((typed / seconds) * 10) / 10,
      bytesPerS: Math.round(bytes / seconds),
      joinToFirstSnapshotMs: null,
      snapshotBytes: null,
    };
  } finally {
    await joined.close();
  }
}

/** Join → the whole first snapshot at the agent, the page's uplink throttled. */
async function throttledJoin(browser: Browser, rig: Rig, url: string, compress: boolean, label: string): Promise<UplinkRow> {
  const joined = await joinedPage(browser, rig, url, compress, true);
  try {
    const snapshot = await firstSnapshot(joined, label, 60_000);
    return {
      what: `join → first snapshot at the agent, ${label}, page uplink 1 Mbit/s`,
      compressed: compress,
      framesDeflated: (snapshot.data[0]! & PAGE_FRAME_DEFLATED) !== 0 ? 1 : 0,
      frames: 1,
      keysPerS: null,
      bytesPerS: null,
      joinToFirstSnapshotMs: Math.round(snapshot.at - joined.joinSentAt),
      snapshotBytes: snapshot.data.length,
    };
  } finally {
    await joined.close();
  }
}

interface SnapshotMeasure {
  readonly start: number;
  readonly duration: number;
  readonly bytes: number;
  readonly jsonBytes: number | null;
}

/** The snippet's own measure of its snapshot (capture.ts), once the frame is ready. */
async function snapshotMeasure(page: Page, label: string, waitMs: number): Promise<SnapshotMeasure> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const [measure] = (await page.evaluate(
      `performance.getEntriesByName('agentdesk:snapshot').map((e) => ({ start: e.startTime, duration: e.duration, bytes: e.detail?.bytes ?? 0, jsonBytes: e.detail?.jsonBytes ?? null }))`,
    )) as SnapshotMeasure[];
    if (measure) return measure;
    if (performance.now() > deadline) throw new Error(`${label}: the snippet recorded no agentdesk:snapshot measure within ${waitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The first snapshot of a generated page: time, bytes, and the longest task from capture start to the frame being ready. */
async function growth(browser: Browser, rig: Rig, url: string, elements: number, compress: boolean, profileFile: string | null): Promise<GrowthRow> {
  // Traced only when not profiled: the profiler's sampling would lengthen the very tasks measured.
  const joined = await joinedPage(browser, rig, url, compress, false, profileFile !== null, profileFile === null);
  const label = `generated ${elements}`;
  try {
    const measure = await snapshotMeasure(joined.page, label, 60_000);
    const trace = await joined.stopTrace();
    if (profileFile) writeFileSync(profileFile, JSON.stringify(await joined.stopProfile()));
    // Over the server's ceiling the snippet says the page is too large and sends nothing.
    const refused = measure.bytes > NET_LIMITS.customerMaxPayloadBytes - 1024;
    const snapshot = refused ? null : await firstSnapshot(joined, label, 60_000);
    // Every long task that overlaps the snapshot (its task starts before the snippet's mark).
    const tasks = await probe<LongTask[]>(joined.page, 'longTasksSince', 0);
    const during = tasks.filter((t) => t.start <= measure.start + measure.duration && t.start + t.duration >= measure.start);
    return {
      elements: await probe<number>(joined.page, 'elementCount'),
      compressed: compress,
      snapshotMs: Math.round(measure.duration * 10) / 10,
      wireBytes: snapshot?.data.length ?? measure.bytes,
      jsonBytes: measure.jsonBytes,
      tooLarge: refused,
      longestTaskMs: Math.round(Math.max(0, ...during.map((t) => t.duration))),
      tasksOver50Ms: during.filter((t) => t.duration > 50).length,
      traced: trace ? mainThreadTasks(trace) : null,
      loadAvg1: Math.round(loadavg()[0]! * 10) / 10,
    };
  } finally {
    await joined.close();
  }
}

export interface PageStreamResult {
  readonly uplink: UplinkRow[];
  readonly growth: GrowthRow[];
}

/** With `profile`, the page's JavaScript is profiled from the join to the first snapshot of each generated page (compressed runs). */
export async function runPageStreamPart(plan: BenchPlan, outDir: string, log: (line: string) => void, profile: boolean): Promise<PageStreamResult> {
  const pages: Record<string, string> = {};
  for (const n of plan.growthElements) pages[`/generated-${n}.html`] = generatedPageHtml(n, true);
  return withSnippetRig({ outDir, label: 'page-stream', pages }, async ({ browser, rig, at }) => {
    const out: PageStreamResult = { uplink: [], growth: [] };
    for (const compress of [false, true]) {
      const row = await typing(browser, rig, at('/index.html'), compress, plan.typingMs);
      out.uplink.push(row);
      log(`  typing, ${compress ? 'compressed' : 'plain'}: ${row.bytesPerS} B/s (${((row.bytesPerS! * 8) / 1000).toFixed(1)} kbit/s) in ${row.frames} frames at ${row.keysPerS} keys/s`);
    }
    for (const compress of [false, true]) {
      const row = await throttledJoin(browser, rig, at(`/generated-${plan.generatedNodes}.html`), compress, `generated ${plan.generatedNodes}`);
      out.uplink.push(row);
      log(`  join → first snapshot at 1 Mbit/s up, ${compress ? 'compressed' : 'plain'}: ${row.joinToFirstSnapshotMs} ms for ${Math.round(row.snapshotBytes! / 1024)} KB`);
    }
    for (const elements of plan.growthElements) {
      for (const compress of [false, true]) {
        const profileFile = profile && compress ? join(outDir, `first-snapshot-${elements}.cpuprofile`) : null;
        const row = await growth(browser, rig, at(`/generated-${elements}.html`), elements, compress, profileFile);
        out.growth.push(row);
        log(
          `  ${row.elements} elements, ${compress ? 'compressed' : 'plain'}: snapshot ${row.snapshotMs} ms, ${Math.round(row.wireBytes / 1024)} KB on the wire ` +
            `(${Math.round((row.jsonBytes ?? 0) / 1024)} KB JSON)${row.tooLarge ? ', too large to share' : ''}, longest task ${row.longestTaskMs} ms` +
            (row.traced ? ` (traced: ${row.traced.longestWallMs} ms wall, ${row.traced.longestOnCpuMs} ms on a CPU)` : ''),
        );
      }
    }
    return out;
  });
}
