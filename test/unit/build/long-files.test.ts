// "No source file over 400 lines without a comment saying why": every tracked source file longer
// than that says so near its top ("... 400 lines ...") with its reason.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const SOURCE = /\.(ts|tsx|js|mjs|css)$/;
const GENERATED_OR_TESTS = /^(test|dist|app|node_modules)\//;
const LIMIT = 400;

describe('long source files', () => {
  it('each file over 400 lines says why in its opening comment', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\n')
      .filter((f) => SOURCE.test(f) && !GENERATED_OR_TESTS.test(f));
    const unexplained = files.filter((file) => {
      const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
      return lines.length > LIMIT && !lines.slice(0, 20).some((line) => /\b400 lines\b/.test(line));
    });
    assert.deepEqual(unexplained, []);
  });
});
