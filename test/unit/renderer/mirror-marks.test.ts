import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectBlockedIds, MASK_PLACEHOLDER } from '../../../renderer/mirror-marks.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The snippet's modules are browser code (DOM types); their source text is read instead.
const snippet = (file: string) => readFileSync(join(import.meta.dirname, '../../../server/snippet', file), 'utf8');

describe('what the mirror knows of the website’s protections', () => {
  it('uses the snippet’s own placeholder and default lock rule', () => {
    assert.ok(snippet('masking.ts').includes(`PLACEHOLDER = '${MASK_PLACEHOLDER}'`), 'the snippet masks with the same placeholder');
    const locking = snippet('locking.ts');
    assert.ok(locking.includes(`['[data-cobrowse-lock]', ...config.lockSelectors]`), 'the snippet locks data-cobrowse-lock, then the site’s selectors, as lockedInMirror assumes');
    assert.ok(locking.includes("=== 'submit'") && locking.includes("type === 'image'"), 'the snippet locks submit buttons by effective type, as lockedInMirror does');
    const masking = snippet('masking.ts');
    for (const rule of ["type === 'password'", "token.startsWith('cc-')", "token === 'one-time-code'", "'[data-cobrowse-mask]'", "'data-rr-is-password'"]) {
      assert.ok(masking.includes(rule), `the snippet still masks by ${rule}, as MASKED_FIELDS assumes`);
    }
  });

  it('finds blocked nodes (rrweb’s rr_width placeholder) at any depth', () => {
    const ids = new Set<number>();
    collectBlockedIds(
      {
        id: 1,
        childNodes: [
          { id: 2, attributes: { class: 'x' }, childNodes: [{ id: 3, attributes: { rr_width: '10px', rr_height: '4px' }, childNodes: [] }] },
          { id: 4, attributes: { rr_width: '1px' } },
        ],
      },
      ids,
    );
    assert.deepEqual([...ids].sort(), [3, 4]);
  });
});
