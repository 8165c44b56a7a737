// CPU time and RSS of a process read from /proc by the orchestrator, so the reading does not
// wait on the measured process's own event loop (which is busiest exactly when it matters).
// Linux only; this benchmark runs on the Linux host the numbers are quoted for.
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (`getconf CLK_TCK`); 100 on every Linux we run on. */
const CLOCK_TICKS_PER_S = 100;

export interface ProcSample {
  /** User + system CPU time, microseconds. */
  readonly cpuUs: number;
  readonly rssBytes: number;
  /**
   * Time the main thread was runnable but waiting for a CPU (schedstat), microseconds. On a
   * shared machine this is what tells a slow relay from a relay that was not given a core.
   */
  readonly runQueueWaitUs: number;
}

export function sampleProcess(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN);
  // schedstat: time on a CPU, time waiting on a run queue (both ns), time slices.
  const waitNs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
  return { cpuUs: ((utime + stime) * 1e6) / CLOCK_TICKS_PER_S, rssBytes: rssKb * 1024, runQueueWaitUs: waitNs / 1000 };
}

/** Share of `ms` the process's main thread spent runnable but without a CPU, in %. */
export function runQueueWaitPercent(before: ProcSample, after: ProcSample, ms: number): number {
  return ((after.runQueueWaitUs - before.runQueueWaitUs) / 1000 / ms) * 100;
}

/** CPU used between two samples, in % of one core over `ms`. */
export function cpuPercent(before: ProcSample, after: ProcSample, ms: number): number {
  return ((after.cpuUs - before.cpuUs) / 1000 / ms) * 100;
}
