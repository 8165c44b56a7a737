// A log-bucketed latency histogram: each bucket is 1% wider than the one before, so any
// percentile is known within 1% whatever the range (1 µs to minutes), and histograms from several
// load-generator processes merge by adding counts. Values are microseconds.

const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** 1 µs · 1.01^2400 ≈ 23 minutes: longer than any run. */
const BUCKETS = 2400;

export interface HistogramJson {
  readonly counts: Record<string, number>;
  readonly total: number;
  readonly maxUs: number;
}

export class Histogram {
  readonly #counts = new Float64Array(BUCKETS);
  #total = 0;
  #maxUs = 0;

  static bucketOf(us: number): number {
    if (!(us > 1)) return 0;
    return Math.min(BUCKETS - 1, Math.ceil(Math.log(us) / LOG_GROWTH));
  }

  /** The upper edge of a bucket: a percentile read from this histogram never understates. */
  static upperEdgeUs(bucket: number): number {
    return GROWTH ** bucket;
  }

  record(us: number): void {
    this.#counts[Histogram.bucketOf(us)]! += 1;
    this.#total += 1;
    if (us > this.#maxUs) this.#maxUs = us;
  }

  get total(): number {
    return this.#total;
  }

  get maxUs(): number {
    return this.#maxUs;
  }

  /** The value at or below which `p` (0..1) of the samples lie; null when empty. */
  percentileUs(p: number): number | null {
    if (this.#total === 0) return null;
    const rank = Math.max(1, Math.ceil(p * this.#total));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.#counts[b]!;
      if (seen >= rank) return Math.min(Histogram.upperEdgeUs(b), this.#maxUs);
    }
    return this.#maxUs;
  }

  merge(other: Histogram): void {
    for (let b = 0; b < BUCKETS; b++) this.#counts[b]! += other.#counts[b]!;
    this.#total += other.#total;
    this.#maxUs = Math.max(this.#maxUs, other.#maxUs);
  }

  /** Sparse form for IPC and results.json. */
  toJSON(): HistogramJson {
    const counts: Record<string, number> = {};
    for (let b = 0; b < BUCKETS; b++) if (this.#counts[b]! > 0) counts[b] = this.#counts[b]!;
    return { counts, total: this.#total, maxUs: this.#maxUs };
  }

  static fromJSON(json: HistogramJson): Histogram {
    const h = new Histogram();
    for (const [bucket, count] of Object.entries(json.counts)) h.#counts[Number(bucket)] = count;
    h.#total = json.total;
    h.#maxUs = json.maxUs;
    return h;
  }

  static merged(parts: readonly HistogramJson[]): Histogram {
    const out = new Histogram();
    for (const part of parts) out.merge(Histogram.fromJSON(part));
    return out;
  }
}

export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly p999Ms: number | null;
  readonly maxMs: number | null;
}

const toMs = (us: number | null): number | null => (us === null ? null : Math.round(us) / 1000);

export function summarize(h: Histogram): LatencySummary {
  return {
    samples: h.total,
    p50Ms: toMs(h.percentileUs(0.5)),
    p99Ms: toMs(h.percentileUs(0.99)),
    p999Ms: toMs(h.percentileUs(0.999)),
    maxMs: h.total === 0 ? null : toMs(h.maxUs),
  };
}
