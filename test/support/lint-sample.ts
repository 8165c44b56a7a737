// Lints a sample text under a path that need not exist, with the project's own eslint.config.js.
// Samples are not part of any tsconfig, so the type-aware rules (which need the file in a
// TypeScript program) are off here; lint-rules.test.ts checks those on a real file's path.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const TYPE_AWARE_RULES = ['@typescript-eslint/no-floating-promises', '@typescript-eslint/switch-exhaustiveness-check'];

/** Project configuration with type information switched off, for text at a made-up path. */
export const sampleLinter = new ESLint({
  cwd: repoRoot,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: Object.fromEntries(TYPE_AWARE_RULES.map((rule) => [rule, 'off'])),
  },
});

/** The messages of one rule for `code` linted as if it were at `filePath`. */
export async function lintSample(code: string, filePath: string, ruleId: string): Promise<string[]> {
  const [result] = await sampleLinter.lintText(code, { filePath });
  if (!result) throw new Error('ESLint returned no result');
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${filePath}: ${fatal.message}`);
  return result.messages.filter((m) => m.ruleId === ruleId).map((m) => m.message);
}
