// The one build entry (scripts/build.ts): a part is built when its inputs changed and only then.
// Built on a copy of the snippet's sources, so the checkout's dist/ is left alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, SNIPPET_OUTPUT } from '../../../scripts/build.js';

const REPO = resolve(import.meta.dirname, '../../..');

describe('scripts/build.ts', () => {
  const root = mkdtempSync(join(tmpdir(), 'agentdesk-build-'));
  const lines: string[] = [];
  const log = (line: string): void => {
    lines.push(line);
  };

  before(() => {
    for (const path of ['server/snippet', 'common', 'scripts/build.ts', 'package-lock.json']) cpSync(join(REPO, path), join(root, path), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('builds a part with no output, then finds it up to date, with one line each time', async () => {
    assert.deepEqual(await build(['snippet'], { root, log }), { renderer: undefined, snippet: 'built', electron: undefined });
    assert.ok(readFileSync(join(root, 'dist', SNIPPET_OUTPUT), 'utf8').length > 10_000);
    assert.deepEqual(await build(['snippet'], { root, log }), { renderer: undefined, snippet: 'up to date', electron: undefined });
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^build: snippet built in \d+\.\d s/);
    assert.equal(lines[1], 'build: snippet up to date');
  });

  it('builds again when an input changes, or when the output is gone', async () => {
    appendFileSync(join(root, 'common/protocol.ts'), '\n// changed\n');
    assert.equal((await build(['snippet'], { root, log }))?.snippet, 'built');
    rmSync(join(root, 'dist', SNIPPET_OUTPUT));
    assert.equal((await build(['snippet'], { root, log }))?.snippet, 'built');
    assert.ok(existsSync(join(root, 'dist', SNIPPET_OUTPUT)));
    assert.equal((await build(['snippet'], { root, log, force: true }))?.snippet, 'built', '--force builds anyway');
  });
});
