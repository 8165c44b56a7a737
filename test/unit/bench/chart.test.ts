import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderChart } from '../../../bench/chart.js';
import type { GrowthRow } from '../../../bench/lib/results.js';
import { emptyBenchResults } from './bench-results.js';

const base = emptyBenchResults();

const row = (elements: number, compressed: boolean, snapshotMs: number, wireBytes: number, jsonBytes: number): GrowthRow => ({
  elements,
  compressed,
  snapshotMs,
  wireBytes,
  jsonBytes,
  tooLarge: false,
  longestTaskMs: snapshotMs,
  tasksOver50Ms: snapshotMs > 50 ? 1 : 0,
});

describe('cost-growth chart', () => {
  it('draws the measured growth and memory as an SVG whose points carry their values', () => {
    const svg = renderChart({
      ...base,
      growth: [row(1000, true, 30, 10 * 1024, 110 * 1024), row(10_000, true, 260, 85 * 1024, 1100 * 1024), row(100_000, true, 2900, 900 * 1024, 11_000 * 1024)],
      memory: [
        { relay: 'agentdesk', connections: 1000, baselineRssMb: 1, idleRssMb: 2, activeRssMb: 3, idleKbPerConnection: 18.2, activeKbPerSession: 50, idleHeapKbPerConnection: 1, setupMs: 1 },
        { relay: 'agentdesk', connections: 10_000, baselineRssMb: 1, idleRssMb: 2, activeRssMb: 3, idleKbPerConnection: 7.1, activeKbPerSession: 18, idleHeapKbPerConnection: 1, setupMs: 1 },
      ],
    });
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<title>snapshot ready, compressed: 2\.9k at 100k<\/title>/);
    assert.match(svg, /<title>on the wire, compressed: 85 at 10k<\/title>/);
    assert.match(svg, /<title>AgentDesk, KB per idle connection: 7\.1 at 10k<\/title>/);
    assert.equal((svg.match(/<path /g) ?? []).length, 6, 'snapshot time, longest task, the 50 ms line, JSON, wire, memory');
  });

  it('says "not measured" for a panel without figures instead of drawing an empty axis', () => {
    const svg = renderChart(base);
    assert.equal((svg.match(/not measured/g) ?? []).length, 3);
  });
});
