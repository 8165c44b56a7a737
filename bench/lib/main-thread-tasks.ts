// The page's main-thread tasks from a Chromium trace (Playwright's browser.startTracing): each
// RunTask's wall-clock duration and its time on a CPU (the trace's thread duration, tdur). The
// browser's long-task observer only sees the wall clock, which on a loaded machine includes the
// time the renderer waited for a core; the thread time says how much of it was the page's work.

/** The trace categories that carry RunTask with thread durations. */
export const TASK_TRACE_CATEGORIES = ['toplevel', 'disabled-by-default-devtools.timeline'];

export interface MainThreadTasks {
  /** Tasks seen on the renderers' main threads. */
  readonly count: number;
  readonly longestWallMs: number;
  /** The most CPU time any one task took. */
  readonly longestOnCpuMs: number;
  readonly over50MsWall: number;
  readonly over50MsOnCpu: number;
}

interface TraceEvent {
  readonly name?: string;
  readonly ph?: string;
  readonly pid?: number;
  readonly tid?: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string };
}

const LONG_TASK_MS = 50;

export function mainThreadTasks(trace: Buffer): MainThreadTasks {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const mainThreads = new Set<string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mainThreads.add(`${e.pid}:${e.tid}`);
  }
  let count = 0;
  let longestWallMs = 0;
  let longestOnCpuMs = 0;
  let over50MsWall = 0;
  let over50MsOnCpu = 0;
  for (const e of events) {
    if (e.ph !== 'X' || (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask')) continue;
    if (!mainThreads.has(`${e.pid}:${e.tid}`) || typeof e.dur !== 'number') continue;
    const wall = e.dur / 1000;
    const cpu = typeof e.tdur === 'number' ? e.tdur / 1000 : wall;
    count += 1;
    longestWallMs = Math.max(longestWallMs, wall);
    longestOnCpuMs = Math.max(longestOnCpuMs, cpu);
    if (wall > LONG_TASK_MS) over50MsWall += 1;
    if (cpu > LONG_TASK_MS) over50MsOnCpu += 1;
  }
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return { count, longestWallMs: round(longestWallMs), longestOnCpuMs: round(longestOnCpuMs), over50MsWall, over50MsOnCpu };
}
