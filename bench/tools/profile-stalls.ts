// The longest busy stretches of a V8 CPU profile: runs of consecutive samples that are not
// "(idle)", i.e. times the event loop did not come back to poll for I/O. A frame that arrives
// during such a stretch waits until it ends, so these stretches are the relay's latency tail.
// For each: its length, how much of it was GC, and the functions (own code first) it spent
// its time in.
//   node --import tsx bench/tools/profile-stalls.ts FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
}

export interface Stall {
  /** Microseconds since the profile started. */
  readonly atUs: number;
  readonly durationUs: number;
  readonly gcUs: number;
  /** Frames seen in the stretch's stacks, by time: the function names that explain it. */
  readonly frames: readonly { name: string; us: number }[];
}

const label = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.startsWith('file://') ? relative(process.cwd(), url.slice('file://'.length)) : url;
  return `${functionName || '(anonymous)'}${url ? ` ${file}:${lineNumber + 1}` : ''}`;
};

export function longestStalls(profile: CpuProfile, limit: number): Stall[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stalls: Stall[] = [];
  let at = 0;
  let open: { atUs: number; durationUs: number; gcUs: number; frames: Map<string, number> } | null = null;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time since the previous sample: that time belongs to this sample.
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    const node = byId.get(id);
    const name = node?.callFrame.functionName ?? '(idle)';
    if (name === '(idle)') {
      if (open) stalls.push({ ...open, frames: [...open.frames].map(([n, us]) => ({ name: n, us })).sort((a, b) => b.us - a.us) });
      open = null;
      return;
    }
    open ??= { atUs: at - dt, durationUs: 0, gcUs: 0, frames: new Map() };
    open.durationUs += dt;
    if (name === '(garbage collector)') open.gcUs += dt;
    // Every distinct frame of the stack once, so a caller shows the time of everything under it.
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const frame = byId.get(n);
      if (!frame || frame.callFrame.functionName === '(root)') continue;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      open.frames.set(key, (open.frames.get(key) ?? 0) + dt);
    }
  });
  return stalls.sort((a, b) => b.durationUs - a.durationUs).slice(0, limit);
}

if (import.meta.filename === process.argv[1]) {
  const [file, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-stalls.ts FILE.cpuprofile [N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const ownCode = (name: string): boolean => /\s(server|bench|common)\//.test(name);
  process.stdout.write(`${file}: longest busy stretches (the loop did not poll for I/O)\n`);
  for (const s of longestStalls(profile, Number(n ?? 15))) {
    const own = s.frames.filter((f) => ownCode(f.name)).slice(0, 4);
    const top = s.frames.slice(0, 6);
    process.stdout.write(`${(s.durationUs / 1000).toFixed(1).padStart(7)} ms at ${(s.atUs / 1e6).toFixed(2)} s, GC ${(s.gcUs / 1000).toFixed(1)} ms\n`);
    for (const f of own) process.stdout.write(`          own  ${(f.us / 1000).toFixed(1).padStart(6)} ms  ${f.name}\n`);
    for (const f of top) process.stdout.write(`               ${(f.us / 1000).toFixed(1).padStart(6)} ms  ${f.name}\n`);
  }
}
