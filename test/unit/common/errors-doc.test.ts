import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_MESSAGES } from '../../../common/errors.js';

// docs/ERRORS.md is the one list of codes and their messages: a code missing there, or a message
// that differs from the one the UI shows, is a bug in the docs or the code.
describe('docs/ERRORS.md', () => {
  const doc = readFileSync(new URL('../../../docs/ERRORS.md', import.meta.url), 'utf8');
  const rows = new Map<string, string>();
  for (const line of doc.split('\n')) {
    const m = /^\|\s*`([A-Z0-9_]+)`\s*\|(.*)\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (m) rows.set(m[1]!, m[3]!);
  }

  it('lists every code the product raises, with the message the UI shows', () => {
    for (const [code, message] of Object.entries(ERROR_MESSAGES)) {
      assert.ok(rows.has(code), `docs/ERRORS.md has no row for ${code}`);
      assert.equal(rows.get(code), message, `docs/ERRORS.md message for ${code} differs from common/error-codes`);
    }
  });

  it('lists no code the product does not raise', () => {
    for (const code of rows.keys()) {
      assert.ok(Object.hasOwn(ERROR_MESSAGES, code), `docs/ERRORS.md lists ${code}, which no code raises`);
    }
  });
});
