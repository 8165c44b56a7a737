// What every relay process answers besides its own traffic: its port once listening, and on
// request its CPU time and memory (after a full GC when the process runs with --expose-gc, so
// RSS per connection is not blurred by garbage waiting to be collected).
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

export type RelayRequest = { readonly op: 'stats'; readonly gc: boolean };

export function runRelayControl(port: number, close: () => Promise<void>): void {
  exitOnSigterm(close);
  serveRequests(async (body) => {
    const req = body as RelayRequest;
    if (req.op !== 'stats') throw new Error(`unknown relay request ${JSON.stringify(body)}`);
    if (req.gc && typeof globalThis.gc === 'function') {
      // Two passes: the first may only queue finalizers that the second frees.
      globalThis.gc();
      await new Promise((resolve) => setImmediate(resolve));
      globalThis.gc();
    }
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const stats: RelayStats = { cpuUs: cpu.user + cpu.system, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed };
    return stats;
  });
  const ready: RelayReady = { port, pid: process.pid };
  announceReady(ready);
}
