// A bench run with no figures, for the report and chart tests: each test adds the rows it is about.
import type { BenchResults } from '../../../bench/lib/results.js';

export function emptyBenchResults(extra: Partial<BenchResults> = {}): BenchResults {
  return {
    startedAt: '2026-12-01T00:00:00.000Z',
    quick: false,
    machine: { cpus: 2, cpuModel: 'test cpu', node: 'v20', loadAvgAtStart: [0, 0, 0] },
    durationS: 1,
    stream: [],
    burst: [],
    capacity: [],
    admission: [],
    memory: [],
    customerCost: [],
    failures: [],
    ...extra,
  };
}
