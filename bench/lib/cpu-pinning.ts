// Which CPUs the relay under test and its load generators may run on. On a 2-core machine a
// relay sharing its core with three generators measures the scheduler, not itself (issue 15:
// every relay waited for a CPU 11-13% of its window unpinned). So the relay gets a core of its
// own and the generators the rest, with `taskset -a -cp` (every thread of the process: V8's
// and libuv's workers too). Linux only; elsewhere, or with fewer than two CPUs allowed, nothing
// is pinned and the results say so.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface PinningPlan {
  /** CPU lists as taskset takes them ("0", "1-3"); null when nothing is pinned. */
  readonly relayCpus: string | null;
  readonly generatorCpus: string | null;
  /** Why nothing is pinned, or how it was done. */
  readonly note: string;
}

/** The CPUs this process may run on (its own affinity, e.g. a container's cpuset). */
export function allowedCpus(): number[] {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1];
    if (!list) return [];
    return list.split(',').flatMap((part) => {
      const [a, b] = part.split('-').map(Number);
      if (a === undefined || Number.isNaN(a)) return [];
      return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
    });
  } catch {
    return [];
  }
}

function hasTaskset(): boolean {
  return spawnSync('taskset', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** The relay on the first allowed CPU, the generators on the others. */
export function pinningPlan(disabled = false): PinningPlan {
  if (disabled) return { relayCpus: null, generatorCpus: null, note: 'not pinned (--no-pin)' };
  if (process.platform !== 'linux') return { relayCpus: null, generatorCpus: null, note: `not pinned: ${process.platform} has no taskset` };
  const cpus = allowedCpus();
  if (cpus.length < 2) return { relayCpus: null, generatorCpus: null, note: `not pinned: only ${cpus.length} CPU allowed` };
  if (!hasTaskset()) return { relayCpus: null, generatorCpus: null, note: 'not pinned: taskset (util-linux) is missing' };
  const [relay, ...rest] = cpus;
  return { relayCpus: String(relay), generatorCpus: rest.join(','), note: `relay on CPU ${relay}, load generators on CPU ${rest.join(',')} (taskset -a -cp)` };
}

/** Pins every thread of `pid` to `cpus`; throws when taskset refuses (a run must not pretend). */
export function pinProcess(pid: number, cpus: string | null): void {
  if (cpus === null) return;
  const run = spawnSync('taskset', ['-a', '-cp', cpus, String(pid)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`taskset -a -cp ${cpus} ${pid} failed (${run.status}): ${run.stderr.trim()}`);
}
