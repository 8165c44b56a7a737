// Prints the functions with the most self time in a V8 CPU profile (from `npm run bench --
// --profile`: each relay's measured windows at the ratio size), grouped by function and file,
// as shares of the busy (non-idle) time, so a missed target can be explained by where the relay
// spends its CPU.
//   node --import tsx bench/tools/profile-top.ts FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly name: string;
  readonly selfMs: number;
  readonly share: number;
}

export function topSelfTime(profile: CpuProfile, limit: number): ProfileLine[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.startsWith('file://') ? relative(process.cwd(), url.slice('file://'.length)) : url;
    const where = url ? `${file}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    if (key === '(idle)') return;
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    totalUs += dt;
  });
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), share: totalUs === 0 ? 0 : us / totalUs }));
}

if (import.meta.filename === process.argv[1]) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-top.ts FILE.cpuprofile [N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(`${file}: shares of busy (non-idle) time\n`);
  for (const line of topSelfTime(profile, Number(n ?? 25))) {
    process.stdout.write(`${(line.share * 100).toFixed(1).padStart(5)}%  ${String(line.selfMs).padStart(7)} ms  ${line.name}\n`);
  }
}
