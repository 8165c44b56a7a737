// Lag probes: the agent sends `probe {id}` at t0 (its clock), the customer's page answers
// `probe-echo {id, at}` with its own clock, the agent hears it at t1. Assuming the two legs take
// equally long, the customer's clock read `at` at agent time (t0 + t1) / 2, so
//   offset = at − (t0 + t1) / 2     (customer clock − agent clock)
// and the error is at most half the round trip. The sample with the shortest round trip among the
// recent ones is the most trustworthy, so the estimate uses that one (the NTP filter idea).

export interface ProbeSample {
  readonly roundTripMs: number;
  readonly clockOffsetMs: number;
}

/** One probe's round trip and offset. `null` when the echo cannot belong to the probe (t1 < t0). */
export function probeSample(sentAt: number, echoedAt: number, receivedAt: number): ProbeSample | null {
  if (!Number.isFinite(sentAt) || !Number.isFinite(echoedAt) || !Number.isFinite(receivedAt) || receivedAt < sentAt) return null;
  return { roundTripMs: receivedAt - sentAt, clockOffsetMs: echoedAt - (sentAt + receivedAt) / 2 };
}

export interface ClockOffsetEstimator {
  /** Adds a sample; returns the latest round trip and the best offset so far. */
  add(sample: ProbeSample): { readonly roundTripMs: number; readonly clockOffsetMs: number };
  /** The best offset, or null before the first sample. */
  offset(): number | null;
  reset(): void;
}

/** Keeps the last `window` samples and trusts the one with the shortest round trip. */
export function createClockOffsetEstimator(window: number): ClockOffsetEstimator {
  if (!Number.isInteger(window) || window < 1) throw new RangeError('the sample window is a positive whole number');
  let samples: ProbeSample[] = [];
  const best = (): ProbeSample | null => samples.reduce<ProbeSample | null>((b, s) => (b === null || s.roundTripMs < b.roundTripMs ? s : b), null);
  return {
    add(sample) {
      samples = [...samples, sample].slice(-window);
      return { roundTripMs: sample.roundTripMs, clockOffsetMs: best()?.clockOffsetMs ?? sample.clockOffsetMs };
    },
    offset: () => best()?.clockOffsetMs ?? null,
    reset() {
      samples = [];
    },
  };
}
