// Runs the whole suite level by level and ends with one line: "N passed, N failed[, N skipped]".
// Usage: npm test [-- level...]   levels: typecheck lint security build unit integration e2e
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const LEVELS = ['typecheck', 'lint', 'security', 'build', 'unit', 'integration', 'e2e'] as const;
type Level = (typeof LEVELS)[number];

// Per-test ceiling: the slowest integration test (a full sign-in through a real provider and
// keychain) takes a few seconds; anything near two minutes is a hang, not a slow test.
const TEST_TIMEOUT_MS = 120_000;

// Per-level ceilings, a few times what each takes on the 2-core machine (unit ~1 min, integration
// ~4 min, e2e ~3 min), so a hang fails the run long before CI's 90-minute limit.
const LEVEL_TIMEOUT_MS: Readonly<Record<string, number>> = {
  unit: 10 * 60_000,
  integration: 20 * 60_000,
  e2e: 25 * 60_000,
};

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  skips: { name: string; file?: string; reason: string }[];
  failures: { name: string; file?: string }[];
}

const total: Tally = { passed: 0, failed: 0, skipped: 0, skips: [], failures: [] };

function isLevel(value: string): value is Level {
  return (LEVELS as readonly string[]).includes(value);
}

function runCheck(name: string, command: string, args: string[]): void {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status === 0) {
    total.passed += 1;
    console.log(`${name}: passed`);
  } else {
    total.failed += 1;
    total.failures.push({ name });
    console.log(`${name}: FAILED (exit ${result.status ?? result.signal})`);
  }
}

function testFiles(level: string): string[] {
  const dir = join(root, 'test', level);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join('test', level, f));
}

function runTests(level: string, wrapper: string[], concurrency = 2): void {
  const files = testFiles(level);
  console.log(`\n=== ${level}: ${files.length} test files`);
  if (files.length === 0) return;
  const out = mkdtempSync(join(tmpdir(), 'agentdesk-tally-'));
  const tallyFile = join(out, 'tally.json');
  const args = [
    ...wrapper,
    process.execPath,
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/summary-reporter.mjs',
    `--test-reporter-destination=${tallyFile}`,
    ...files,
  ];
  const [command, ...rest] = args as [string, ...string[]];
  const result = spawnSync(command, rest, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test' },
    timeout: LEVEL_TIMEOUT_MS[level],
    killSignal: 'SIGKILL',
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    console.log(`${level}: stopped after ${(LEVEL_TIMEOUT_MS[level] ?? 0) / 60_000} minutes`);
  }
  let tally: Tally | undefined;
  try {
    tally = JSON.parse(readFileSync(tallyFile, 'utf8')) as Tally;
  } catch {
    tally = undefined;
  }
  rmSync(out, { recursive: true, force: true });
  if (!tally) {
    total.failed += 1;
    total.failures.push({ name: `${level}: the test runner ended without a tally (exit ${result.status ?? result.signal})` });
    return;
  }
  console.log(`${level}: ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped`);
  total.passed += tally.passed;
  total.failed += tally.failed;
  total.skipped += tally.skipped;
  total.skips.push(...tally.skips);
  total.failures.push(...tally.failures);
  if (result.status !== 0 && tally.failed === 0) {
    total.failed += 1;
    total.failures.push({ name: `${level}: runner exited ${result.status ?? result.signal}` });
  }
}

const requested = process.argv.slice(2);
for (const name of requested) {
  if (!isLevel(name)) {
    console.error(`Unknown test level "${name}". Levels: ${LEVELS.join(', ')}.`);
    process.exit(2);
  }
}
const levels: Level[] = requested.length > 0 ? requested.filter(isLevel) : [...LEVELS];

for (const level of levels) {
  switch (level) {
    case 'typecheck':
      runCheck('typecheck', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']);
      break;
    case 'lint':
      runCheck('lint', process.execPath, [join(root, 'node_modules/eslint/bin/eslint.js'), '.']);
      break;
    case 'security':
      // Electronegativity on the Electron shell (scripts/electronegativity.ts lists the disabled checks and why).
      runCheck('security', process.execPath, ['--import', 'tsx', join(root, 'scripts/electronegativity.ts')]);
      break;
    case 'build':
      // The integration and end-to-end levels serve the built agent UI and snippet; scripts/build.ts
      // builds each part that changed (renderer, snippet, Electron shell).
      runCheck('build', process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')]);
      break;
    case 'unit':
      runTests('unit', []);
      break;
    case 'integration':
      // Integration tests use a real Secret Service (gnome-keyring) on a private D-Bus session.
      runTests('integration', ['bash', join(root, 'scripts/with-secret-service.sh')]);
      break;
    case 'e2e':
      // The whole product in Debian's Chromium: real identity provider, server, keychain and browser.
      // One file at a time: each drives Chromium and a whole stack, and the machine has two cores.
      runTests('e2e', ['bash', join(root, 'scripts/with-secret-service.sh')], 1);
      break;
  }
}

console.log('');
for (const s of total.skips) console.log(`skipped: ${s.name}${s.file ? ` (${s.file})` : ''}: ${s.reason}`);
for (const f of total.failures) console.log(`failed: ${f.name}${f.file ? ` (${f.file})` : ''}`);
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
