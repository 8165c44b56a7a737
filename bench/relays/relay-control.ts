// What every relay process answers besides its own traffic: its port once listening; on
// request its CPU time and memory (after a full GC when the process runs with --expose-gc, so
// RSS per connection is not blurred by garbage waiting to be collected); and a CPU profile of
// just the measured window (the V8 profiler through node:inspector, written as .cpuprofile).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { announceReady, exitOnSigterm, serveRequests } from '../lib/child-process.js';

export interface RelayReady {
  readonly port: number;
  readonly pid: number;
}

export interface RelayStats {
  /** User + system CPU time of the relay process since it started. */
  readonly cpuUs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

export type RelayRequest =
  | { readonly op: 'stats'; readonly gc: boolean }
  | { readonly op: 'profile-start' }
  | { readonly op: 'profile-stop'; readonly file: string };

/** Sampling interval of the profiler: fine enough for a 10 s window, cheap enough not to skew it. */
const PROFILE_SAMPLING_US = 500;

async function stats(gc: boolean): Promise<RelayStats> {
  if (gc && typeof globalThis.gc === 'function') {
    // Two passes: the first may only queue finalizers that the second frees.
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc();
  }
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return { cpuUs: cpu.user + cpu.system, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed };
}

export function runRelayControl(port: number, close: () => Promise<void>): void {
  exitOnSigterm(close);
  let profiler: Session | null = null;
  serveRequests(async (body) => {
    const req = body as RelayRequest;
    switch (req.op) {
      case 'stats':
        return stats(req.gc);
      case 'profile-start':
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.setSamplingInterval', { interval: PROFILE_SAMPLING_US });
        await profiler.post('Profiler.start');
        return { started: true };
      case 'profile-stop': {
        if (!profiler) throw new Error('no profile was started');
        const { profile } = await profiler.post('Profiler.stop');
        profiler.disconnect();
        profiler = null;
        writeFileSync(req.file, JSON.stringify(profile));
        return { file: req.file };
      }
      default:
        throw new Error(`unknown relay request ${JSON.stringify(body)}`);
    }
  });
  const ready: RelayReady = { port, pid: process.pid };
  announceReady(ready);
}
