// Where a relay allocates: the sampled allocations of a measured window (`npm run bench --
// --profile` writes <label>.N.heapprofile beside the CPU profile), garbage included, summed per
// function and divided by the frames relayed in the window, so two relays compare per frame.
//   node --import tsx bench/tools/alloc-top.ts FILE.heapprofile [FRAMES] [N]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface HeapNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly HeapNode[];
}

export function allocationsBySelf(root: HeapNode): { name: string; bytes: number }[] {
  const bytes = new Map<string, number>();
  const walk = (node: HeapNode, stack: string): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.startsWith('file://') ? relative(process.cwd(), url.slice('file://'.length)) : url;
    const name = `${functionName || '(anonymous)'}${url ? ` ${file}:${lineNumber + 1}` : ''}`;
    const key = `${name}  ←  ${stack}`;
    if (node.selfSize > 0) bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child, name);
  };
  walk(root, '');
  return [...bytes].map(([name, b]) => ({ name, bytes: b })).sort((a, b) => b.bytes - a.bytes);
}

if (import.meta.filename === process.argv[1]) {
  const [file, frames, n] = process.argv.slice(2);
  if (!file) throw new Error('usage: alloc-top.ts FILE.heapprofile [FRAMES] [N]');
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const rows = allocationsBySelf(head);
  const total = rows.reduce((a, r) => a + r.bytes, 0);
  const perFrame = frames ? Number(frames) : 0;
  process.stdout.write(`${file}: ${(total / 2 ** 20).toFixed(1)} MB sampled${perFrame ? `, ${(total / perFrame).toFixed(0)} B per frame` : ''}\n`);
  for (const r of rows.slice(0, Number(n ?? 20))) {
    const each = perFrame ? `${(r.bytes / perFrame).toFixed(0).padStart(6)} B/frame  ` : '';
    process.stdout.write(`${((r.bytes / total) * 100).toFixed(1).padStart(5)}%  ${each}${r.name}\n`);
  }
}
