// What every relay process answers besides its own traffic: its port once listening; on
// request its CPU time and memory (after a full GC when the process runs with --expose-gc, so
// RSS per connection is not blurred by garbage waiting to be collected); and a CPU profile of
// just the measured window (the V8 profiler through node:inspector, written as .cpuprofile), and
// the window's event-loop delay and GC pauses (loop-monitor.ts).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { announceReady, exitOnSigterm, serveRequests } from '../lib/child-process.js';
import { LoopMonitor, type LoopWindow } from './loop-monitor.js';

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
  /** The measured window begins (loop delay and GC pauses from now) / ends (answers a LoopWindow). */
  | { readonly op: 'window-start' }
  | { readonly op: 'window-stop' }
  | { readonly op: 'profile-stop'; readonly file: string }
  /** Sampled allocations of the window, garbage included (what the GC will have to collect). */
  | { readonly op: 'alloc-start' }
  | { readonly op: 'alloc-stop'; readonly file: string };

/** One allocation sample per this many bytes on average: V8's default, cheap. */
const ALLOC_SAMPLING_BYTES = 32 * 1024;
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
  let heap: Session | null = null;
  const monitor = new LoopMonitor();
  serveRequests(async (body) => {
    const req = body as RelayRequest;
    switch (req.op) {
      case 'stats':
        return stats(req.gc);
      case 'window-start':
        monitor.start();
        return { started: true };
      case 'window-stop': {
        const window: LoopWindow | null = monitor.stop();
        if (!window) throw new Error('no window was started');
        return window;
      }
      case 'alloc-start':
        heap = new Session();
        heap.connect();
        await heap.post('HeapProfiler.enable');
        await heap.post('HeapProfiler.startSampling', {
          samplingInterval: ALLOC_SAMPLING_BYTES,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
        return { started: true };
      case 'alloc-stop': {
        if (!heap) throw new Error('no allocation profile was started');
        const { profile } = await heap.post('HeapProfiler.stopSampling');
        heap.disconnect();
        heap = null;
        writeFileSync(req.file, JSON.stringify(profile));
        return { file: req.file };
      }
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
