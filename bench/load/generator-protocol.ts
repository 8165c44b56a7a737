// The requests the orchestrator sends a load generator, and what comes back.
import type { HistogramJson } from '../lib/histogram.js';

export interface SnapshotPlan {
  /** Size of each full snapshot (issue 6: 2 MB). */
  readonly bytes: number;
  /** Snapshots start at the beginning of the measured window and repeat this often. */
  readonly everyMs: number;
  /** Incremental frames sent this long after a snapshot started count as "during the burst". */
  readonly windowMs: number;
  /** Only one generator sends them (from its first session); all classify their frames. */
  readonly send: boolean;
}

export type GeneratorRequest =
  | { readonly op: 'setup'; readonly count: number; readonly pair: boolean }
  | { readonly op: 'pair' }
  | {
      readonly op: 'stream';
      readonly rateHz: number;
      readonly frameBytes: number;
      readonly warmupMs: number;
      readonly measureMs: number;
      readonly drainMs: number;
      readonly snapshot: SnapshotPlan | null;
    }
  | { readonly op: 'admission'; readonly durationMs: number; readonly concurrency: number }
  | { readonly op: 'close' };

export interface SetupResult {
  readonly opened: number;
  readonly setupMs: number;
}

export interface StreamResult {
  readonly sessions: number;
  /** Incremental frames sent and received in the measured window (loss = sent - received). */
  readonly sent: number;
  readonly received: number;
  /** Frames that arrived with a sequence number other than the next expected one. */
  readonly outOfOrder: number;
  /** Incremental frames of every session but the snapshot sender. */
  readonly latency: HistogramJson;
  /** Snapshot runs: the same, split by whether the frame was sent during a burst window. */
  readonly burstLatency: HistogramJson | null;
  readonly calmLatency: HistogramJson | null;
  readonly snapshotLatency: HistogramJson | null;
  readonly snapshotsSent: number;
  readonly snapshotsReceived: number;
  /** How late sends left against their schedule: a busy generator shows here first. */
  readonly sendLag: HistogramJson;
  /** CPU time of this generator in the measured window, and that window's real length. */
  readonly cpuUs: number;
  readonly measuredMs: number;
}

export interface AdmissionResult {
  readonly handshakes: number;
  readonly failures: number;
  readonly firstError: string | null;
  readonly latency: HistogramJson;
  readonly cpuUs: number;
  readonly elapsedMs: number;
}
