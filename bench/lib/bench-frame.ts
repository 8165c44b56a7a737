// The page frames the load generators send. They follow the co-browse wire format (byte 0 is
// the frame kind, common/protocol.ts) and carry what the receiver needs to measure one frame:
// whether it belongs to the measured window and the sender's monotonic send time. Sender and
// receiver of a session live in the same process, so process.hrtime.bigint() is one clock.
import type { PageFrameKind } from '../../common/protocol.js';

/** Why a frame was sent: only `measured` frames count toward latency and loss. */
export const FramePhase = { Warmup: 0, Measured: 1, Drain: 2 } as const;
export type FramePhase = (typeof FramePhase)[keyof typeof FramePhase];

/** kind u8, phase u8, session u32, seq u32, send time u64 (ns). */
export const FRAME_HEADER_BYTES = 18;

export interface FrameHeader {
  readonly kind: number;
  readonly phase: number;
  readonly session: number;
  readonly seq: number;
  readonly sentAtNs: bigint;
}

/** Fills the frame around a header; the payload after the header is opaque filler. */
export function encodeFrame(kind: PageFrameKind, phase: FramePhase, session: number, seq: number, size: number): Buffer {
  if (size < FRAME_HEADER_BYTES) throw new RangeError(`a bench frame needs at least ${FRAME_HEADER_BYTES} bytes`);
  const frame = Buffer.alloc(size, 0x61);
  frame[0] = kind;
  frame[1] = phase;
  frame.writeUInt32BE(session, 2);
  frame.writeUInt32BE(seq, 6);
  // Written last, as late as possible before the send.
  frame.writeBigUInt64BE(process.hrtime.bigint(), 10);
  return frame;
}

export function decodeFrame(frame: Buffer): FrameHeader | null {
  if (frame.length < FRAME_HEADER_BYTES) return null;
  return {
    kind: frame[0]!,
    phase: frame[1]!,
    session: frame.readUInt32BE(2),
    seq: frame.readUInt32BE(6),
    sentAtNs: frame.readBigUInt64BE(10),
  };
}

/** Microseconds from the frame's send time to now, on the shared monotonic clock. */
export function ageUs(header: FrameHeader, nowNs: bigint = process.hrtime.bigint()): number {
  return Number(nowNs - header.sentAtNs) / 1000;
}
