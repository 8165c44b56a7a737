// V8 settings for the relay process, applied once when `serve` starts (process-wide, so they live
// here and not in startServer, which tests embed).
//
// Allocation-site pretenuring off. V8 watches which allocation sites' objects survive a young-
// generation GC and, when nearly all do, allocates that site's objects straight in the old
// generation from then on, and never learns otherwise (tenured objects carry no feedback). A
// session's setup (handshake, welcome/ready/joined sends, connection objects that live as long as
// the session) runs through the same ws and stream code as every relayed page frame (the trace
// names sites by address only; the allocation profile points at the socket-write path). Measured at
// 500 sessions × 20 frames/s (issue 15, `--trace-gc` and `--trace-pretenuring`): after setup those
// sites were tenured, each scavenge promoted ~1.6 MB of frame garbage, scavenges took 4-6 ms
// instead of under 1 ms, and a mark-compact with incremental steps of up to 8 ms ran every ~8 s:
// the relay's loop stalled where the bare `ws` relay (no setup-time sends) did not. With
// pretenuring off nothing was promoted, scavenges stayed at 1-2 ms and no mark-compact ran.
// The cost: objects that really do live long are copied once more before promotion, which a
// relay whose heap is mostly per-frame garbage does not notice.
import { setFlagsFromString } from 'node:v8';

let applied = false;

export function tuneGcForRelay(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
