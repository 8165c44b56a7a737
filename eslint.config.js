// Lint enforces the layering in docs/ARCHITECTURE.md: the runtime decides the folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `${m}/*`, `node:${m}`, `node:${m}/*`]);

const electronOnlyInShell = {
  name: 'electron',
  message: 'Only src/electron/** may import electron; services take a Desktop port instead.',
};

/** Builds a no-restricted-imports rule from banned package names and path patterns. */
function restrict(paths, patterns) {
  return ['error', { paths, patterns }];
}

export default tseslint.config(
  { ignores: ['node_modules/', '.tsbuild/', 'dist/', '.demo/', 'test-results/', '.test-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': restrict([electronOnlyInShell], []),
    },
  },
  {
    files: ['src/electron/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/**'],
    ignores: ['src/electron/**'],
    rules: {
      'no-restricted-imports': restrict(
        [electronOnlyInShell],
        [{ group: ['**/server/**', '**/renderer/**'], message: 'The desktop services do not import the server or the renderer.' }],
      ),
    },
  },
  {
    files: ['server/**'],
    rules: {
      'no-restricted-imports': restrict(
        [electronOnlyInShell],
        [{ group: ['**/src/**', '**/renderer/**'], message: 'The server does not import desktop or renderer code.' }],
      ),
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(
        [electronOnlyInShell, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a sandboxed page: no Node modules.' }))],
        [
          { group: ['node:*'], message: 'The renderer runs in a sandboxed page: no Node modules.' },
          { group: ['**/src/**', '**/server/**'], message: 'The renderer talks to window.agentdesk (common/api.ts) only.' },
        ],
      ),
    },
  },
  {
    files: ['common/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': restrict(
        [electronOnlyInShell, ...nodeBuiltins.map((name) => ({ name, message: 'common/ is runtime-agnostic: no Node modules.' }))],
        [
          { group: ['node:*'], message: 'common/ is runtime-agnostic: no Node modules.' },
          { group: ['**/src/**', '**/server/**', '**/renderer/**', 'react', 'react-dom', 'ws', 'keytar', 'better-sqlite3', 'pino'], message: 'common/ imports nothing runtime-specific.' },
        ],
      ),
    },
  },
);
