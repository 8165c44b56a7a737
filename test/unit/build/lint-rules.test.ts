// The layering and type-aware rules of eslint.config.js, run through ESLint's Node API with the
// project's own configuration: the folder decides what a file may import, and promises and
// switches over unions are checked with type information.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { lintSample, repoRoot } from '../../support/lint-sample.js';

const SNIPPET_RULE = '@typescript-eslint/no-restricted-imports';

describe('lint: the customer snippet is browser code', () => {
  const snippet = (code: string) => lintSample(code, 'server/snippet/sample.ts', SNIPPET_RULE);

  it('refuses Node modules, with or without the node: prefix', async () => {
    assert.equal((await snippet(`import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n`)).length > 0, true);
    const bare = await snippet(`import { createHash } from 'crypto';\nexport const a = createHash;\n`);
    assert.ok(bare.some((m) => m.includes("no Node modules")), bare.join('\n'));
  });

  it('refuses the server around it', async () => {
    const messages = await snippet(`import { SERVER_LIMITS } from '../limits.js';\nexport const a = SERVER_LIMITS;\n`);
    assert.ok(messages.some((m) => m.includes('only its own files and common/')), messages.join('\n'));
  });

  it('takes types from common/protocol.ts but not its schemas', async () => {
    assert.deepEqual(await snippet(`import type { ServerToCustomer } from '../../common/protocol.js';\nexport type A = ServerToCustomer;\n`), []);
    const value = await snippet(`import { ServerToCustomer } from '../../common/protocol.js';\nexport const a = ServerToCustomer;\n`);
    assert.ok(value.some((m) => m.includes('takes types, protocol-constants.ts and assert-never.ts only')), value.join('\n'));
  });

  it('takes constants, assertNever and its own files', async () => {
    const code = `import { RESUME_GRACE_SECONDS } from '../../common/protocol-constants.js';\nimport { assertNever } from '../../common/assert-never.js';\nimport { record } from '@rrweb/record';\nimport { x } from './capture.js';\nexport const a = [RESUME_GRACE_SECONDS, assertNever, record, x];\n`;
    assert.deepEqual(await snippet(code), []);
  });

  it('does not reach the rest of server/, which keeps Node', async () => {
    assert.deepEqual(await lintSample(`import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n`, 'server/http/sample.ts', SNIPPET_RULE), []);
    assert.deepEqual(await lintSample(`import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n`, 'server/http/sample.ts', 'no-restricted-imports'), []);
  });
});

describe('lint: the Electron shell is restricted, not exempt', () => {
  const shell = (code: string) => lintSample(code, 'src/electron/sample.ts', 'no-restricted-imports');

  it('may import electron and the desktop services', async () => {
    assert.deepEqual(await shell(`import { app } from 'electron';\nimport { DesktopApp } from '../app/desktop-app.js';\nexport const a = [app, DesktopApp];\n`), []);
  });

  it('may not import the server or the renderer', async () => {
    assert.equal((await shell(`import { startServer } from '../../server/app.js';\nexport const a = startServer;\n`)).length, 1);
    assert.equal((await shell(`import { App } from '../../renderer/app.js';\nexport const a = App;\n`)).length, 1);
  });

  it('is the only folder that may import electron', async () => {
    assert.equal((await lintSample(`import { app } from 'electron';\nexport const a = app;\n`, 'src/app/sample.ts', 'no-restricted-imports')).length, 1);
  });
});

describe('lint: type-aware rules', () => {
  // Text linted under a real file's path, so it is part of that file's TypeScript program.
  const typed = new ESLint({ cwd: repoRoot });
  async function rules(code: string): Promise<(string | null)[]> {
    const [result] = await typed.lintText(code, { filePath: 'server/snippet/ui.ts' });
    assert.ok(result);
    return result.messages.map((m) => m.ruleId);
  }

  it('refuse a promise nobody awaits, and accept one marked void', async () => {
    const header = `async function later(): Promise<void> {}\n`;
    assert.deepEqual(await rules(`${header}later();\n`), ['@typescript-eslint/no-floating-promises']);
    assert.deepEqual(await rules(`${header}void later();\n`), []);
  });

  it('refuse a switch over a union that leaves a member out', async () => {
    const code = (cases: string) => `type Side = 'agent' | 'customer';\nexport function label(side: Side): string {\n  switch (side) {\n${cases}  }\n  return '';\n}\n`;
    assert.deepEqual(await rules(code(`    case 'agent': return 'A';\n`)), ['@typescript-eslint/switch-exhaustiveness-check']);
    assert.deepEqual(await rules(code(`    case 'agent': return 'A';\n    case 'customer': return 'C';\n`)), []);
  });
});
