// Streams page frames over already-paired sessions on an exact schedule and measures each
// frame customer-send → agent-receive. Sends are spread evenly: with n sessions at r frames a
// second, one frame leaves every 1/(n·r) s, round-robin over the sessions, so the offered load
// is smooth rather than n frames at once every 1/r s.
import { PageFrameKind } from '../../common/protocol.js';
import { FramePhase, ageUs, decodeFrame, encodeFrame, type FrameHeader } from '../lib/bench-frame.js';
import { Histogram } from '../lib/histogram.js';
import type { SessionLink } from './driver.js';
import type { GeneratorRequest, StreamResult } from './generator-protocol.js';

type StreamRequest = Extract<GeneratorRequest, { op: 'stream' }>;

/** Timer granularity of the send loop; sends due in between go out together at the next tick. */
const TICK_MS = 1;
/** How often the drain checks whether every measured frame has arrived. */
const DRAIN_POLL_MS = 10;

/** Receives frames for every session of a generator; between runs frames are ignored. */
export class StreamReceiver {
  #run: StreamRun | null = null;

  onFrame(frame: Buffer): void {
    this.#run?.received(frame);
  }

  async stream(links: readonly SessionLink[], req: StreamRequest): Promise<StreamResult> {
    const run = new StreamRun(links, req);
    this.#run = run;
    try {
      return await run.execute();
    } finally {
      this.#run = null;
    }
  }
}

class StreamRun {
  readonly #startNs = process.hrtime.bigint();
  readonly #nextSeqOut: Uint32Array;
  readonly #nextSeqIn: Uint32Array;
  readonly #latency = new Histogram();
  readonly #burst: Histogram | null;
  readonly #calm: Histogram | null;
  readonly #snapshot: Histogram | null;
  readonly #sendLag = new Histogram();
  #sent = 0;
  #received = 0;
  #outOfOrder = 0;
  #snapshotsSent = 0;
  #snapshotsReceived = 0;
  #allSent = 0;
  #allReceived = 0;

  constructor(
    private readonly links: readonly SessionLink[],
    private readonly req: StreamRequest,
  ) {
    this.#nextSeqOut = new Uint32Array(links.length);
    this.#nextSeqIn = new Uint32Array(links.length);
    const withSnapshots = req.snapshot !== null;
    this.#burst = withSnapshots ? new Histogram() : null;
    this.#calm = withSnapshots ? new Histogram() : null;
    this.#snapshot = withSnapshots ? new Histogram() : null;
  }

  #elapsedMs(now = process.hrtime.bigint()): number {
    return Number(now - this.#startNs) / 1e6;
  }

  received(frame: Buffer): void {
    const now = process.hrtime.bigint();
    const header = decodeFrame(frame);
    if (!header) throw new Error('a frame shorter than the bench header arrived');
    this.#allReceived += 1;
    if (header.kind === PageFrameKind.Snapshot) {
      this.#snapshotsReceived += 1;
      this.#snapshot?.record(ageUs(header, now));
      return;
    }
    this.#checkOrder(header);
    if (header.phase !== FramePhase.Measured) return;
    this.#received += 1;
    // The snapshot sender's own frames queue behind its snapshot: that is not "another session".
    if (this.req.snapshot?.send && header.session === 0) return;
    const us = ageUs(header, now);
    this.#latency.record(us);
    const snap = this.req.snapshot;
    if (snap && this.#burst && this.#calm) {
      const sinceWindowMs = Number(header.sentAtNs - this.#startNs) / 1e6 - this.req.warmupMs;
      (sinceWindowMs % snap.everyMs < snap.windowMs ? this.#burst : this.#calm).record(us);
    }
  }

  #checkOrder(header: FrameHeader): void {
    const expected = this.#nextSeqIn[header.session]!;
    if (header.seq !== expected) this.#outOfOrder += 1;
    this.#nextSeqIn[header.session] = header.seq + 1;
  }

  async execute(): Promise<StreamResult> {
    const { req, links } = this;
    const n = links.length;
    const endMs = req.warmupMs + req.measureMs;
    const slotMs = 1000 / (req.rateHz * n);
    let nextSlot = 0;
    let nextSnapshotMs = req.warmupMs;
    let cpuAtWindow: NodeJS.CpuUsage | null = null;
    let windowStartMs = 0;

    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = this.#elapsedMs();
        if (cpuAtWindow === null && now >= req.warmupMs) {
          cpuAtWindow = process.cpuUsage();
          windowStartMs = now;
        }
        const dueSlots = Math.floor(Math.min(now, endMs) / slotMs);
        for (; nextSlot < dueSlots; nextSlot++) {
          const session = nextSlot % n;
          const slotAt = nextSlot * slotMs;
          const phase = slotAt < req.warmupMs ? FramePhase.Warmup : FramePhase.Measured;
          const seq = this.#nextSeqOut[session]!++;
          links[session]!.send(encodeFrame(PageFrameKind.Incremental, phase, session, seq, req.frameBytes));
          this.#allSent += 1;
          if (phase === FramePhase.Measured) this.#sent += 1;
          this.#sendLag.record((this.#elapsedMs() - slotAt) * 1000);
        }
        const snap = req.snapshot;
        if (snap?.send && now >= nextSnapshotMs && nextSnapshotMs < endMs) {
          // Session 0's snapshot shares its socket's sequence with its incremental frames.
          const seq = this.#nextSeqOut[0]!++;
          links[0]!.send(encodeFrame(PageFrameKind.Snapshot, FramePhase.Measured, 0, seq, snap.bytes));
          this.#allSent += 1;
          this.#snapshotsSent += 1;
          nextSnapshotMs += snap.everyMs;
        }
        if (now >= endMs) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });
    const cpu = process.cpuUsage(cpuAtWindow ?? undefined);
    const measuredMs = this.#elapsedMs() - windowStartMs;

    // Frames still in flight get drainMs to arrive; whatever has not arrived by then is lost.
    const drainUntil = this.#elapsedMs() + req.drainMs;
    while (this.#allReceived < this.#allSent && this.#elapsedMs() < drainUntil) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }

    return {
      sessions: n,
      sent: this.#sent,
      received: this.#received,
      outOfOrder: this.#outOfOrder,
      latency: this.#latency.toJSON(),
      burstLatency: this.#burst?.toJSON() ?? null,
      calmLatency: this.#calm?.toJSON() ?? null,
      snapshotLatency: this.#snapshot?.toJSON() ?? null,
      snapshotsSent: this.#snapshotsSent,
      snapshotsReceived: this.#snapshotsReceived,
      sendLag: this.#sendLag.toJSON(),
      cpuUs: cpu.user + cpu.system,
      measuredMs,
    };
  }
}
