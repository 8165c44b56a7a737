// The one build entry: `npm run build [-- part...] [--force] [--stage]`. npm start, npm test, the build:*
// scripts and the test helpers all come here, so each bundle is made one way.
//
// Parts:
//   renderer  the agent UI (renderer/, Vite) → dist/renderer/
//   snippet   the customer snippet (server/snippet/, esbuild) → dist/snippet/agentdesk-cobrowse.js
//   electron  the Electron shell's main and preload (src/, esbuild; options in build-electron.ts) → dist/electron/
//
// A part is rebuilt only when its inputs changed: a SHA-256 over the path and bytes of every input
// file is kept next to the output (dist/.build/<part>.sha256). Content rather than mtimes, because
// a branch switch or a fresh clone gives every file a new mtime without changing what it builds.
// Hashing the ~400 input files takes a few tens of milliseconds.
//
// Concurrent runs (two test files, npm start beside npm test) take a lock directory, so one builds
// and the other then finds the part up to date.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build as esbuild, type BuildOptions } from 'esbuild';

import { mainBuildOptions, preloadBuildOptions, stageApp } from './build-electron.js';
import { rrwebSnapshotSeam } from './rrweb-snapshot-seam.js';

const REPO_ROOT = resolve(import.meta.dirname, '..');

export const PARTS = ['renderer', 'snippet', 'electron'] as const;
export type PartName = (typeof PARTS)[number];

/** Where the customer snippet is written, relative to the output root (the server serves it). */
export const SNIPPET_OUTPUT = 'snippet/agentdesk-cobrowse.js';

/** The snippet's esbuild options, the only place they are written: an IIFE for any ES2020 page. */
export function snippetBuildOptions(outfile: string, root = REPO_ROOT): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [join(root, 'server/snippet/main.ts')],
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'warning',
    outfile,
    // rrweb's whole-document snapshot goes through server/snippet/snapshot-seam.ts (sliced on large pages).
    plugins: [rrwebSnapshotSeam(root)],
  };
}

interface Part {
  /** Input folders and files, relative to the root; folders are read recursively. */
  readonly inputs: readonly string[];
  /** What must exist afterwards, relative to the output root. */
  readonly output: string;
  run(root: string, outRoot: string): Promise<void>;
}

// Every part also depends on the build code itself and on the installed packages (the lockfile).
const ALWAYS = ['scripts/build.ts', 'package-lock.json'];

const PART: Readonly<Record<PartName, Part>> = {
  renderer: {
    inputs: ['renderer', 'common', 'vite.config.ts'],
    output: 'renderer/index.html',
    async run(root, outRoot) {
      const { build } = await import('vite');
      await build({
        root: join(root, 'renderer'),
        configFile: join(root, 'vite.config.ts'),
        logLevel: 'warn',
        build: { outDir: join(outRoot, 'renderer'), emptyOutDir: true },
      });
    },
  },
  snippet: {
    inputs: ['server/snippet', 'common', 'scripts/rrweb-snapshot-seam.ts'],
    output: SNIPPET_OUTPUT,
    async run(root, outRoot) {
      await esbuild(snippetBuildOptions(join(outRoot, SNIPPET_OUTPUT), root));
    },
  },
  electron: {
    inputs: ['src', 'common', 'package.json', 'scripts/build-electron.ts'],
    output: 'electron/main.js',
    async run(root, outRoot) {
      if (root !== REPO_ROOT || outRoot !== join(REPO_ROOT, 'dist')) throw new Error('the electron part builds only into this checkout’s dist/');
      await Promise.all([esbuild(mainBuildOptions()), esbuild(preloadBuildOptions())]);
    },
  },
};

function listFiles(root: string, entry: string): string[] {
  const full = join(root, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .map((f) => join(entry, f))
    .filter((f) => statSync(join(root, f)).isFile());
}

/** The fingerprint of a part's inputs: path and content of each file, in a fixed order. */
export function inputHash(part: PartName, root = REPO_ROOT): string {
  const files = [...PART[part].inputs, ...ALWAYS].flatMap((entry) => listFiles(root, entry)).sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file.split('\\').join('/')}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

// A lock older than this is taken to be left by a build that was killed: the slowest part (the
// renderer, Vite) takes ~10 s on the 2-core machine.
const STALE_LOCK_MS = 120_000;
const LOCK_POLL_MS = 100;

async function withLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(join(dir, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let age = 0;
      try {
        age = Date.now() - statSync(dir).mtimeMs;
      } catch {
        continue;
      }
      if (age > STALE_LOCK_MS) rmSync(dir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BuildOptionsIn {
  /** The checkout to build; default this one. */
  readonly root?: string;
  /** Where the outputs go; default `<root>/dist`. */
  readonly outRoot?: string;
  /** Build even when the inputs are unchanged. */
  readonly force?: boolean;
  /** Receives one progress line per part; default console.log. */
  readonly log?: (line: string) => void;
}

export type PartResult = 'built' | 'up to date';

/** Builds the named parts (all by default) that are out of date; resolves with what each did. */
export async function build(parts: readonly PartName[] = PARTS, options: BuildOptionsIn = {}): Promise<Record<PartName, PartResult | undefined>> {
  const root = options.root ?? REPO_ROOT;
  const outRoot = options.outRoot ?? join(root, 'dist');
  const log = options.log ?? ((line: string) => console.log(line));
  const stamps = join(outRoot, '.build');
  const results: Record<PartName, PartResult | undefined> = { renderer: undefined, snippet: undefined, electron: undefined };
  await withLock(join(stamps, 'lock'), async () => {
    for (const name of parts) {
      const stampFile = join(stamps, `${name}.sha256`);
      const hash = inputHash(name, root);
      const current = !options.force && existsSync(join(outRoot, PART[name].output)) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash;
      if (current) {
        log(`build: ${name} up to date`);
        results[name] = 'up to date';
        continue;
      }
      const started = performance.now();
      rmSync(stampFile, { force: true });
      await PART[name].run(root, outRoot);
      writeFileSync(stampFile, hash);
      log(`build: ${name} built in ${((performance.now() - started) / 1000).toFixed(1)} s → ${relative(root, join(outRoot, PART[name].output))}`);
      results[name] = 'built';
    }
  });
  return results;
}

function isPart(value: string): value is PartName {
  return (PARTS as readonly string[]).includes(value);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { force: { type: 'boolean', default: false }, stage: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const unknown = positionals.filter((p) => !isPart(p));
  if (unknown.length > 0) {
    console.error(`Unknown build part ${unknown.join(', ')}. Parts: ${PARTS.join(', ')}.`);
    process.exit(2);
  }
  await build(positionals.length > 0 ? positionals.filter(isPart) : PARTS, { force: values.force });
  // `npm run build:electron -- --stage`: also fill app/ for electron-builder (build-electron.ts).
  if (values.stage) {
    await build(['renderer']);
    await stageApp();
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  main().catch((err: unknown) => {
    console.error(`build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
