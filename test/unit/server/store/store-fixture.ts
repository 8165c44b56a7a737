// Temp data dirs for the store tests, and a scan of every byte in them.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDataDir(): { dir: string; keyFile: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'agentdesk-store-'));
  return { dir, keyFile: join(dir, 'options.key'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` whose bytes contain `needle` (as ASCII). */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const bytes = Buffer.from(needle, 'latin1');
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    if (readFileSync(path).includes(bytes)) hits.push(name);
  }
  return hits;
}
