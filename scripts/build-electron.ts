// `npm run build:electron`: bundles the Electron shell. `npm run build:electron -- --stage` also
// fills app/, the application directory of electron-builder's two-package structure, which is all
// the installers carry (electron-builder.yml `directories.app`).
//
// - dist/electron/main.js: ESM. The package is "type": "module", openid-client and jose are
//   ESM-only, and Electron (28+) loads an ESM main. Only our own code is bundled; npm dependencies
//   stay imports (keytar is a native module and could not be bundled anyway).
// - dist/electron/preload.cjs: one CommonJS file. A sandboxed preload cannot load ESM or other
//   files: it gets a `require` that knows only 'electron' and a few Node-like modules, so
//   everything it uses is inlined. That includes zod (~400 KiB minified), pulled in by
//   common/api.ts, whose schemas are built when the module loads; the preload never parses with it.
// - app/: app/package.json (committed: the app's name, desktopName and runtime dependencies) plus
//   app/dist/electron (this build), app/dist/renderer (a copy of the vite build) and
//   app/node_modules: exactly the packages the main bundle imports and what they need, copied from
//   node_modules at the lockfile's versions. electron-builder rebuilds keytar there for Electron,
//   so the project's own node_modules keep their Node builds (the server's better-sqlite3 among them).
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { importedPackages, resolvedClosure, type PackageLock, type ResolvedPackage } from './app-dependencies.js';

const root = resolve(import.meta.dirname, '..');
export const ELECTRON_OUT_DIR = join(root, 'dist/electron');
export const APP_DIR = join(root, 'app');

// Electron 45 runs Node 22 and Chromium 140.
const common: BuildOptions = {
  bundle: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
  metafile: true,
};

interface Manifest {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

export function mainBuildOptions(outDir = ELECTRON_OUT_DIR): BuildOptions {
  // Every npm package stays an import, so the metafile names each one the main process loads.
  const pkg = readManifest(join(root, 'package.json'));
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

export function preloadBuildOptions(outDir = ELECTRON_OUT_DIR): BuildOptions {
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

/** Builds main.js and preload.cjs into outDir; returns the main bundle's metafile. */
export async function buildElectron(outDir = ELECTRON_OUT_DIR): Promise<Metafile> {
  const [main, preload] = await Promise.all([build(mainBuildOptions(outDir)), build(preloadBuildOptions(outDir))]);
  for (const result of [main, preload]) {
    for (const [file, output] of Object.entries(result.metafile?.outputs ?? {})) {
      console.log(`${relative(root, join(root, file))}  ${(output.bytes / 1024).toFixed(1)} KiB`);
    }
  }
  return main.metafile!;
}

/**
 * Checks that app/package.json lists exactly the packages the main bundle imports, at the root
 * package.json's ranges, and returns what they resolve to in package-lock.json.
 */
export function appDependencies(metafile: Metafile, appDir = APP_DIR): ResolvedPackage[] {
  const app = readManifest(join(appDir, 'package.json'));
  const rootPkg = readManifest(join(root, 'package.json'));
  const listed = Object.keys(app.dependencies ?? {}).sort();
  const imported = importedPackages(metafile, 'main.js');
  const extra = listed.filter((name) => !imported.includes(name));
  const missing = imported.filter((name) => !listed.includes(name));
  if (extra.length > 0 || missing.length > 0) {
    throw new Error(
      `app/package.json dependencies must be exactly what dist/electron/main.js imports (${imported.join(', ')}):` +
        `${extra.length > 0 ? ` not imported: ${extra.join(', ')};` : ''}${missing.length > 0 ? ` missing: ${missing.join(', ')};` : ''}`,
    );
  }
  for (const name of listed) {
    if (app.dependencies?.[name] !== rootPkg.dependencies?.[name]) {
      throw new Error(`app/package.json ${name}@${app.dependencies?.[name]} differs from the root package.json's ${rootPkg.dependencies?.[name] ?? '(absent)'}`);
    }
  }
  if (app.version !== rootPkg.version) throw new Error(`app/package.json version ${app.version} differs from package.json's ${rootPkg.version}`);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as PackageLock;
  return resolvedClosure(lock, listed);
}

/** Copies the resolved packages from the project's node_modules to the same places under stageDir. */
export function copyPackages(packages: readonly ResolvedPackage[], stageDir: string): void {
  for (const pkg of packages) {
    const from = join(root, pkg.path);
    // A package's own node_modules holds nested packages; those in the closure are copied on their own.
    const nested = join(from, 'node_modules');
    mkdirSync(join(stageDir, pkg.path), { recursive: true });
    cpSync(from, join(stageDir, pkg.path), { recursive: true, filter: (source) => source !== nested && !source.startsWith(nested + sep) });
  }
}

/** Fills stageDir (app/ by default) with what the installers carry; see the header. */
export async function stageApp(stageDir = APP_DIR, rendererDir = join(root, 'dist/renderer')): Promise<ResolvedPackage[]> {
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`${relative(root, rendererDir)} is not built: run npm run build:renderer first`);
  for (const generated of ['dist', 'node_modules']) rmSync(join(stageDir, generated), { recursive: true, force: true });
  const metafile = await buildElectron(join(stageDir, 'dist/electron'));
  cpSync(rendererDir, join(stageDir, 'dist/renderer'), { recursive: true });
  const packages = appDependencies(metafile, stageDir);
  copyPackages(packages, stageDir);
  console.log(`app/node_modules: ${packages.length} packages (${packages.map((p) => `${p.name}@${p.version}`).join(', ')})`);
  return packages;
}

async function main(): Promise<void> {
  if (process.argv.includes('--stage')) await stageApp();
  else await buildElectron();
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) await main();
