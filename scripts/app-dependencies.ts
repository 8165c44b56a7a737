// What the packaged Electron app carries from npm: the packages its main bundle imports (read from
// esbuild's metafile) and everything those need at run time (resolved through the root
// package-lock.json the way Node resolves them). The server's and the tools' packages stay out.
import { builtinModules } from 'node:module';
import type { Metafile } from 'esbuild';

/** The npm package an import specifier names: `zod/mini` → `zod`, `@scope/pkg/x` → `@scope/pkg`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const BUILTINS = new Set(builtinModules);

/** The npm packages one output of a build imports at run time (external imports, not Node's own, not electron). */
export function importedPackages(metafile: Metafile, output: string): string[] {
  const entry = Object.entries(metafile.outputs).find(([file]) => file.replace(/\\/g, '/').endsWith(output));
  if (entry === undefined) throw new Error(`${output} is not an output of this build`);
  const names = new Set<string>();
  for (const imported of entry[1].imports) {
    if (imported.external !== true) continue;
    const path = imported.path;
    if (path.startsWith('node:') || BUILTINS.has(path) || path === 'electron') continue;
    names.add(packageOf(path));
  }
  return [...names].sort();
}

interface LockPackage {
  readonly version?: string;
  readonly dev?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
}

export interface PackageLock {
  readonly lockfileVersion: number;
  readonly packages: Readonly<Record<string, LockPackage>>;
}

export interface ResolvedPackage {
  readonly name: string;
  readonly version: string;
  /** Its folder relative to the project root, as in the lockfile (`node_modules/a/node_modules/b`). */
  readonly path: string;
}

/** Where Node finds `name` when required from the package at lockfile path `from` ('' = the root). */
function resolveFrom(lock: PackageLock, from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[candidate] !== undefined) return candidate;
    if (base === '') return null;
    const cut = base.lastIndexOf('node_modules/');
    base = cut <= 0 ? '' : base.slice(0, cut - 1);
  }
}

/**
 * Every package the given root dependencies need at run time: dependencies, installed optional
 * dependencies and required peers, transitively. A required package missing from the lockfile is
 * an error (the app would fail to load it).
 */
export function resolvedClosure(lock: PackageLock, roots: readonly string[]): ResolvedPackage[] {
  if (lock.lockfileVersion < 2) throw new Error('package-lock.json must be lockfileVersion 2 or 3 (npm 7+)');
  const found = new Map<string, ResolvedPackage>();
  const visit = (from: string, name: string, optional: boolean): void => {
    const path = resolveFrom(lock, from, name);
    if (path === null) {
      if (optional) return;
      throw new Error(`${name} (needed by ${from === '' ? 'the app' : from}) is not in package-lock.json`);
    }
    if (found.has(path)) return;
    const pkg = lock.packages[path]!;
    found.set(path, { name, version: pkg.version ?? '', path });
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(path, dep, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(path, dep, true);
    for (const dep of Object.keys(pkg.peerDependencies ?? {})) visit(path, dep, pkg.peerDependenciesMeta?.[dep]?.optional === true);
  };
  for (const name of roots) visit('', name, false);
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}
