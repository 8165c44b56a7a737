// `npm run build:electron`: bundles the Electron shell for electron-builder (which packs dist/electron/**).
//
// - dist/electron/main.js: ESM. The package is "type": "module", openid-client and jose are
//   ESM-only, and Electron (28+) loads an ESM main. Only our own code is bundled; npm dependencies
//   stay imports, resolved from node_modules, which electron-builder packs with the app (keytar is
//   a native module and could not be bundled anyway).
// - dist/electron/preload.cjs: one CommonJS file. A sandboxed preload cannot load ESM or other
//   files: it gets a `require` that knows only 'electron' and a few Node-like modules, so
//   everything it uses is inlined. That includes zod (~400 KiB minified), pulled in by
//   common/api.ts, whose schemas are built when the module loads; the preload never parses with it.
import { build, type BuildOptions } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'dist/electron');

// Electron 45 runs Node 22 and Chromium 140.
const common: BuildOptions = {
  bundle: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
  metafile: true,
};

export function mainBuildOptions(): BuildOptions {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return {
    ...common,
    entryPoints: ['src/electron/main.ts'],
    outfile: join(outDir, 'main.js'),
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: ['electron', ...Object.keys(pkg.dependencies ?? {})],
  };
}

export function preloadBuildOptions(): BuildOptions {
  return {
    ...common,
    entryPoints: ['src/electron/preload.ts'],
    outfile: join(outDir, 'preload.cjs'),
    platform: 'browser',
    format: 'cjs',
    target: 'chrome140',
    external: ['electron'],
    minify: true,
  };
}

async function main(): Promise<void> {
  const results = await Promise.all([build(mainBuildOptions()), build(preloadBuildOptions())]);
  for (const result of results) {
    for (const [file, output] of Object.entries(result.metafile?.outputs ?? {})) {
      console.log(`${relative(root, join(root, file))}  ${(output.bytes / 1024).toFixed(1)} KiB`);
    }
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) await main();
