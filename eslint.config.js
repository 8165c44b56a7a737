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

// What a preload may not do with ipcRenderer and contextBridge (no-restricted-syntax selectors).
const EXPOSE = "CallExpression[callee.object.name='contextBridge'][callee.property.name=/^expose/]";
const IPC_SEND = "CallExpression[callee.object.name='ipcRenderer'][callee.property.name=/^(send|sendSync|sendToHost|invoke|postMessage)$/]";
const IPC_LISTEN = "CallExpression[callee.object.name='ipcRenderer'][callee.property.name=/^(on|once|addListener|off|removeListener|removeAllListeners)$/]";
export const PRELOAD_BRIDGE_RULES = [
  {
    selector: `${EXPOSE}:not([arguments.1.type='ObjectExpression']):not([arguments.1.type='TSSatisfiesExpression'][arguments.1.expression.type='ObjectExpression'])`,
    message: 'contextBridge exposes an object literal of named functions, nothing else.',
  },
  {
    selector: `${EXPOSE} ObjectExpression > SpreadElement, ${EXPOSE} ObjectExpression > Property[computed=true]`,
    message: 'The exposed object names each function: no spread, no computed keys.',
  },
  {
    selector: `${EXPOSE} > ObjectExpression > Property:not([value.type=/^(ArrowFunctionExpression|FunctionExpression|MemberExpression)$/]), ${EXPOSE} > TSSatisfiesExpression > ObjectExpression > Property:not([value.type=/^(ArrowFunctionExpression|FunctionExpression|MemberExpression)$/])`,
    message: 'Every property of the exposed object is a function.',
  },
  {
    selector: `${EXPOSE} Identifier[name='ipcRenderer']:not(MemberExpression > Identifier.object), ${EXPOSE} MemberExpression[object.name='ipcRenderer']:not(CallExpression > MemberExpression.callee)`,
    message: 'Never expose ipcRenderer or one of its methods to the page.',
  },
  {
    selector: "VariableDeclarator[init.name='ipcRenderer'], AssignmentExpression[right.name='ipcRenderer'], MemberExpression[object.name='ipcRenderer'][computed=true], MemberExpression[object.name='ipcRenderer']:not(CallExpression > MemberExpression.callee)",
    message: 'Call ipcRenderer methods directly; do not alias them, which would hide a generic send from these rules.',
  },
  {
    selector: `${IPC_SEND}:not([arguments.0.type='Literal']):not([arguments.0.type='CallExpression'][arguments.0.callee.name='apiChannel'][arguments.0.arguments.0.type='Literal'])`,
    message: "ipcRenderer.send/invoke take a fixed channel: a string literal or apiChannel('operation').",
  },
  {
    selector: `${IPC_LISTEN}:not([arguments.0.type='Literal']):not([arguments.0.name=/^(STATE_CHANNEL|PAGE_FRAME_CHANNEL)$/])`,
    message: 'ipcRenderer listens on a fixed channel: STATE_CHANNEL, PAGE_FRAME_CHANNEL or a string literal.',
  },
];

/** Builds a no-restricted-imports rule from banned package names and path patterns. */
function restrict(paths, patterns) {
  return ['error', { paths, patterns }];
}

export default tseslint.config(
  { ignores: ['node_modules/', '.tsbuild/', 'dist/', 'app/dist/', 'app/node_modules/', '.demo/', 'test-results/', '.test-tmp/'] },
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
  // Type-aware rules the code already follows by hand: every promise is awaited, returned or
  // explicitly voided, and every switch over a union names each member (or says why not).
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test/describe return a promise the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  // The Electron shell is the one folder that may import electron; it still may not reach into
  // the server or the renderer.
  {
    files: ['src/electron/**'],
    rules: {
      'no-restricted-imports': restrict([], [{ group: ['**/server/**', '**/renderer/**'], message: 'The Electron shell wires the desktop services; it does not import the server or the renderer.' }]),
    },
  },
  // The preload bridge (src/electron/preload*.ts) exposes named functions only: never ipcRenderer
  // itself, never a channel chosen at run time (test/unit/electron/preload-lint.test.ts).
  {
    files: ['src/electron/preload*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...PRELOAD_BRIDGE_RULES] },
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
    ignores: ['server/snippet/**'],
    rules: {
      'no-restricted-imports': restrict(
        [electronOnlyInShell],
        [{ group: ['**/src/**', '**/renderer/**'], message: 'The server does not import desktop or renderer code.' }],
      ),
    },
  },
  // The customer snippet is browser code on a third party's page, whatever folder it sits in:
  // no Node module, nothing of the server, and from common/ only what is light: types, constants,
  // assertNever, parse-json.ts and the zod/mini schemas of customer-protocol.ts, never the modules
  // that build classic zod schemas or message tables (api.ts, errors.ts) nor protocol.ts, which adds
  // the agent link's schemas the snippet never parses. Node globals
  // (process, Buffer) are refused by the compiler: tsconfig.snippet.json has the DOM lib and no
  // @types/node (no-undef is off for TypeScript).
  {
    files: ['server/snippet/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell, ...nodeBuiltins.map((name) => ({ name, message: 'The snippet runs in the customer\'s browser: no Node modules.' }))],
          patterns: [
            { group: ['node:*'], message: 'The snippet runs in the customer\'s browser: no Node modules.' },
            // Up one folder is the server; up two and into common/ is allowed.
            { regex: '^\\.\\./(?!\\.\\./common/)', message: 'The snippet imports only its own files and common/.' },
            {
              group: ['**/common/protocol.js', '**/common/api.js', '**/common/errors.js'],
              allowTypeImports: true,
              message: 'From common/ the snippet takes types, protocol-constants.ts and assert-never.ts only, besides parse-json.ts and the schemas of customer-protocol.ts: these modules build other schemas or message tables at load.',
            },
          ],
        },
      ],
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
