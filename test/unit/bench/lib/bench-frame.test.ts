import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PageFrameKind } from '../../../../common/protocol.js';
import { FRAME_HEADER_BYTES, FramePhase, ageUs, decodeFrame, encodeFrame } from '../../../../bench/lib/bench-frame.js';

describe('bench frames', () => {
  it('are page frames of the wire format: byte 0 is the kind, and the size is exactly what was asked', () => {
    const incremental = encodeFrame(PageFrameKind.Incremental, FramePhase.Measured, 7, 42, 400);
    const snapshot = encodeFrame(PageFrameKind.Snapshot, FramePhase.Measured, 0, 0, 2 * 1024 * 1024);
    assert.equal(incremental.length, 400);
    assert.equal(incremental[0], PageFrameKind.Incremental);
    assert.equal(snapshot.length, 2 * 1024 * 1024);
    assert.equal(snapshot[0], PageFrameKind.Snapshot);
  });

  it('carry session, sequence, phase and a send time the receiver reads back', () => {
    const before = process.hrtime.bigint();
    const frame = encodeFrame(PageFrameKind.Incremental, FramePhase.Warmup, 123_456, 4_000_000_000, 64);
    const header = decodeFrame(frame)!;
    assert.equal(header.session, 123_456);
    assert.equal(header.seq, 4_000_000_000);
    assert.equal(header.phase, FramePhase.Warmup);
    assert.ok(header.sentAtNs >= before && header.sentAtNs <= process.hrtime.bigint());
  });

  it('age on the shared monotonic clock: a frame read 5 ms after sending is 5,000 µs old', () => {
    const header = decodeFrame(encodeFrame(PageFrameKind.Incremental, FramePhase.Measured, 1, 1, 32))!;
    assert.equal(ageUs(header, header.sentAtNs + 5_000_000n), 5000);
  });

  it('refuse sizes that cannot hold the header, and shorter frames decode to null', () => {
    assert.throws(() => encodeFrame(PageFrameKind.Incremental, FramePhase.Measured, 1, 1, FRAME_HEADER_BYTES - 1), RangeError);
    assert.equal(decodeFrame(Buffer.alloc(FRAME_HEADER_BYTES - 1)), null);
  });
});
