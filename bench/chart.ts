// The cost-growth chart beside the table (issue 15): how the first snapshot's time, the page's
// longest task and the bytes grow with the page (1,000 / 10,000 / 100,000 elements), and server
// memory per connection at 1,000 and 10,000 connections, as one self-contained SVG (log-scaled
// axes: the sizes span two orders of magnitude). Written next to results.json by a full run.
import type { BenchResults, GrowthRow, MemoryRow } from './lib/results.js';
import { RELAY_LABEL } from './load/driver.js';

interface Series {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly points: readonly (readonly [number, number])[];
}

const W = 340;
const H = 230;
const PAD = { left: 56, right: 12, top: 28, bottom: 40 };
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n: number): string => (n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(n % 1000 === 0 ? 0 : 1)}k` : n >= 10 ? String(Math.round(n)) : n.toFixed(1));

/** One panel with log x and log y, a line and dots per series, its values printed by the dots. */
function panel(x0: number, title: string, xLabel: string, yLabel: string, series: readonly Series[]): string {
  const all = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  if (all.length === 0) return `<g transform="translate(${x0},0)"><text x="${W / 2}" y="${H / 2}" text-anchor="middle">${esc(title)}: not measured</text></g>`;
  const lx = all.map(([x]) => Math.log10(x));
  const ly = all.map(([, y]) => Math.log10(y));
  const [xMin, xMax] = [Math.floor(Math.min(...lx)), Math.ceil(Math.max(...lx))];
  const [yMin, yMax] = [Math.floor(Math.min(...ly)), Math.ceil(Math.max(...ly) + 0.01)];
  const px = (x: number): number => PAD.left + ((Math.log10(x) - xMin) / Math.max(1, xMax - xMin)) * (W - PAD.left - PAD.right);
  const py = (y: number): number => H - PAD.bottom - ((Math.log10(y) - yMin) / Math.max(1, yMax - yMin)) * (H - PAD.top - PAD.bottom);
  const out: string[] = [`<g transform="translate(${x0},0)">`, `<text x="${W / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(title)}</text>`];
  for (let e = yMin; e <= yMax; e++) {
    const y = py(10 ** e);
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`, `<text x="${PAD.left - 4}" y="${y + 4}" text-anchor="end">${fmt(10 ** e)}</text>`);
  }
  for (let e = xMin; e <= xMax; e++) {
    const x = px(10 ** e);
    out.push(`<line x1="${x}" x2="${x}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#eee"/>`, `<text x="${x}" y="${H - PAD.bottom + 14}" text-anchor="middle">${fmt(10 ** e)}</text>`);
  }
  out.push(
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(12,${(PAD.top + H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0);
    if (pts.length === 0) return;
    const path = pts.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
    for (const [x, y] of pts) {
      out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(`${s.name}: ${fmt(y)} at ${fmt(x)}`)}</title></circle>`);
      out.push(`<text x="${(px(x) + 5).toFixed(1)}" y="${(py(y) - 5).toFixed(1)}" fill="${s.color}" font-size="10">${fmt(y)}</text>`);
    }
    out.push(`<rect x="${PAD.left + 6}" y="${PAD.top + 4 + i * 14}" width="10" height="3" fill="${s.color}"/>`, `<text x="${PAD.left + 20}" y="${PAD.top + 9 + i * 14}" font-size="10">${esc(s.name)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

const byElements = (rows: readonly GrowthRow[], compressed: boolean, pick: (r: GrowthRow) => number | null): [number, number][] =>
  rows.filter((r) => r.compressed === compressed).flatMap((r) => {
    const v = pick(r);
    return v === null ? [] : [[r.elements, v] as [number, number]];
  });

const memorySeries = (rows: readonly MemoryRow[]): Series[] => {
  const colors = { agentdesk: '#1565c0', bare: '#777', socketio: '#c62828' } as const;
  return (Object.keys(colors) as (keyof typeof colors)[]).flatMap((relay) => {
    const mine = rows.filter((m) => m.relay === relay);
    return mine.length === 0
      ? []
      : [{ name: `${RELAY_LABEL[relay]}, KB per idle connection`, color: colors[relay], points: mine.map((m) => [m.connections, m.idleKbPerConnection] as [number, number]) }];
  });
};

export function renderChart(results: BenchResults): string {
  const growth = results.growth ?? [];
  const panels = [
    panel(0, 'First snapshot: time and longest task', 'elements on the page', 'ms', [
      { name: 'snapshot ready, compressed', color: '#1565c0', points: byElements(growth, true, (r) => r.snapshotMs) },
      { name: 'snapshot ready, plain', color: '#1565c0', dashed: true, points: byElements(growth, false, (r) => r.snapshotMs) },
      { name: 'longest task, compressed', color: '#c62828', points: byElements(growth, true, (r) => r.longestTaskMs || null) },
      { name: 'longest task on a CPU (trace), compressed', color: '#c62828', dashed: true, points: byElements(growth, true, (r) => r.traced?.longestOnCpuMs ?? null) },
      { name: '50 ms (a long task)', color: '#999', dashed: true, points: byElements(growth, true, () => 50) },
    ]),
    panel(W, 'First snapshot: bytes', 'elements on the page', 'KB', [
      { name: 'JSON text', color: '#777', points: byElements(growth, true, (r) => (r.jsonBytes === null ? null : r.jsonBytes / 1024)) },
      { name: 'on the wire, compressed', color: '#1565c0', points: byElements(growth, true, (r) => r.wireBytes / 1024) },
    ]),
    panel(2 * W, 'Server memory', 'connections', 'KB', memorySeries(results.memory)),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${3 * W}" height="${H + 20}" viewBox="0 0 ${3 * W} ${H + 20}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...panels,
    `<text x="6" y="${H + 14}" font-size="10" fill="#555">${esc(`AgentDesk bench ${results.startedAt}${results.quick ? ' (--quick)' : ''}; log scales; npm run bench writes this beside results.json`)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
