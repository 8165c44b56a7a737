// One load-generator process. It holds whole sessions (customer and agent socket of a session
// live here, so one monotonic clock times each frame) and answers the orchestrator's requests:
// setup, pair, stream, admission, close. Started with its GeneratorConfig as JSON in argv[2].
import { HARNESS_LIMITS } from '../bench-limits.js';
import { announceReady, exitOnSigterm, serveRequests } from '../lib/child-process.js';
import { Histogram } from '../lib/histogram.js';
import { agentDeskDriver } from './agentdesk-driver.js';
import { bareWsDriver } from './bare-ws-driver.js';
import type { Driver, GeneratorConfig, SessionLink } from './driver.js';
import type { AdmissionResult, GeneratorRequest, SetupResult } from './generator-protocol.js';
import { socketIoDriver } from './socketio-driver.js';
import { StreamReceiver } from './stream-load.js';
import { assertNever } from '../../common/assert-never.js';

const config = JSON.parse(process.argv[2] ?? '') as GeneratorConfig;

function driverFor(cfg: GeneratorConfig): Driver {
  switch (cfg.relay) {
    case 'agentdesk':
      return agentDeskDriver(cfg);
    case 'bare':
      return bareWsDriver(cfg);
    case 'socketio':
      return socketIoDriver(cfg);
    default:
      return assertNever(cfg.relay, 'relay kind');
  }
}

const driver = driverFor(config);
const receiver = new StreamReceiver();
const links: SessionLink[] = [];

/** Runs `task(i)` for i in [0, count) with at most `width` in flight; the first failure fails all. */
async function inParallel(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}

async function setup(count: number, pair: boolean): Promise<SetupResult> {
  const started = performance.now();
  const base = links.length;
  const opened: SessionLink[] = new Array<SessionLink>(count);
  await inParallel(count, HARNESS_LIMITS.setupConcurrency, async (i) => {
    const link = await driver.open(base + i, (frame) => receiver.onFrame(frame));
    if (pair) await link.pair();
    opened[i] = link;
  });
  links.push(...opened);
  return { opened: count, setupMs: performance.now() - started };
}

async function admission(durationMs: number, concurrency: number): Promise<AdmissionResult> {
  const latency = new Histogram();
  let handshakes = 0;
  let failures = 0;
  let firstError: string | null = null;
  let k = 0;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const deadline = started + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = process.hrtime.bigint();
      try {
        await driver.admitOne(k++);
        latency.record(Number(process.hrtime.bigint() - t0) / 1000);
        handshakes += 1;
      } catch (err) {
        failures += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuStart);
  return { handshakes, failures, firstError, latency: latency.toJSON(), cpuUs: cpu.user + cpu.system, elapsedMs: performance.now() - started };
}

function closeAll(): void {
  for (const link of links.splice(0)) link.close();
}

exitOnSigterm(async () => closeAll());
serveRequests(async (body) => {
  const req = body as GeneratorRequest;
  switch (req.op) {
    case 'setup':
      return setup(req.count, req.pair);
    case 'pair':
      await inParallel(links.length, HARNESS_LIMITS.setupConcurrency, (i) => links[i]!.pair());
      return { paired: links.length };
    case 'stream':
      return receiver.stream(links, req);
    case 'admission':
      return admission(req.durationMs, req.concurrency);
    case 'close':
      closeAll();
      return { closed: true };
    default:
      return assertNever(req, 'generator request');
  }
});
announceReady({ pid: process.pid });
