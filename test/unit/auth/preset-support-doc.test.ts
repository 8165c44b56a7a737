import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { PRESET_SUPPORT, type Capability } from '../../../src/auth/preset-support.js';

const cell = (c: Capability): string => (c.confirmed ? `${c.support} (confirmed)` : c.support);

/** The rows of the per-preset support table in a markdown document: preset → its four cells. */
function supportRows(markdown: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of markdown.split('\n')) {
    const m = /^\| `([a-z0-9-]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/.exec(line);
    if (m && m[1]! in PRESET_SUPPORT) rows.set(m[1]!, m.slice(2).map((c) => c.trim()));
  }
  return rows;
}

describe('the per-preset support tables in the docs say what src/auth/preset-support.ts says', () => {
  for (const doc of ['docs/SECURITY.md', 'docs/ARCHITECTURE.md']) {
    it(doc, async () => {
      const rows = supportRows(await readFile(doc, 'utf8'));
      assert.deepEqual([...rows.keys()].sort(), Object.keys(PRESET_SUPPORT).sort(), 'one row per preset');
      for (const [preset, s] of Object.entries(PRESET_SUPPORT)) {
        assert.deepEqual(rows.get(preset), [cell(s.refreshTokens), cell(s.revocation), cell(s.endSession), cell(s.issParameter)], preset);
      }
    });
  }
});
