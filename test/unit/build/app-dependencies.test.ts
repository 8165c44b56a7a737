// The packaged app's npm packages (electron-builder's two-package structure: app/package.json and
// app/node_modules) against what the Electron main bundle really imports, read from esbuild's
// metafile of the same build `npm run dist` makes. The resolved list is the one electron-builder's
// npm collector reads (`npm ls --omit dev` in the app directory).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { importedPackages, packageOf } from '../../../scripts/app-dependencies.js';
import { APP_DIR, appDependencies, copyPackages, mainBuildOptions, stageApp } from '../../../scripts/build-electron.js';

// Packages of the server and the tools; none may reach the installers.
const SERVER_AND_TOOLS = ['better-sqlite3', 'tsx', 'esbuild', 'react', 'react-dom', 'pg', 'ioredis', 'proxy-addr', 'vite', 'typescript', 'electron'];

interface NpmTree {
  readonly dependencies?: Readonly<Record<string, NpmTree & { readonly version?: string; readonly missing?: boolean }>>;
}

function npmLs(dir: string): NpmTree {
  // npm is a .cmd on Windows, which Node runs only through a shell.
  const out = execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ls', '--omit', 'dev', '--all', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  return JSON.parse(out) as NpmTree;
}

function treeNames(tree: NpmTree, into = new Set<string>()): Set<string> {
  for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
    // ws's optional peers (bufferutil, utf-8-validate) are listed as missing: not installed, not shipped.
    if (child.missing === true || child.version === undefined) continue;
    into.add(name);
    treeNames(child, into);
  }
  return into;
}

describe('the packaged app carries only what its main process runs', () => {
  let metafile: Metafile;
  let stage: string;
  let tree: NpmTree;

  before(async () => {
    stage = mkdtempSync(join(tmpdir(), 'agentdesk-app-'));
    metafile = (await build({ ...mainBuildOptions(join(stage, 'dist/electron')), write: false })).metafile!;
    copyFileSync(join(APP_DIR, 'package.json'), join(stage, 'package.json'));
    copyPackages(appDependencies(metafile, stage), stage);
    tree = npmLs(stage);
  });
  after(() => rmSync(stage, { recursive: true, force: true }));

  it('app/package.json lists exactly the packages dist/electron/main.js imports', () => {
    const imported = importedPackages(metafile, 'main.js');
    const app = JSON.parse(readFileSync(join(APP_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.deepEqual(Object.keys(app.dependencies).sort(), imported);
    // What a reviewer expects the main process to load; a change here is a change of what ships.
    assert.deepEqual(imported, ['keytar', 'openid-client', 'pino', 'ws', 'zod']);
  });

  it('the resolved app dependency list has the main bundle imports at its top and nothing else there', () => {
    assert.deepEqual(Object.keys(tree.dependencies ?? {}).sort(), importedPackages(metafile, 'main.js'));
    for (const [name, child] of Object.entries(tree.dependencies ?? {})) assert.notEqual(child.missing, true, `${name} is missing`);
  });

  it('no package of the server or the tools is in the resolved list', () => {
    const names = treeNames(tree);
    assert.deepEqual(SERVER_AND_TOOLS.filter((name) => names.has(name)), []);
    assert.ok(!existsSync(join(stage, 'node_modules', 'better-sqlite3')));
    // And the staged folder holds exactly the resolved list: nothing copied that npm would not report.
    const copied = appDependencies(metafile, stage).map((p) => p.name);
    assert.deepEqual([...new Set(copied)].sort(), [...names].sort());
  });

  it('refuses an app dependency the main bundle does not import', () => {
    const manifest = JSON.parse(readFileSync(join(APP_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const wrong = mkdtempSync(join(tmpdir(), 'agentdesk-app-wrong-'));
    try {
      writeFileSync(join(wrong, 'package.json'), JSON.stringify({ ...manifest, dependencies: { ...manifest.dependencies, 'better-sqlite3': '^12.11.1' } }));
      assert.throws(() => appDependencies(metafile, wrong), /not imported: better-sqlite3/);
      const { ws: _ws, ...withoutWs } = manifest.dependencies;
      writeFileSync(join(wrong, 'package.json'), JSON.stringify({ ...manifest, dependencies: withoutWs }));
      assert.throws(() => appDependencies(metafile, wrong), /missing: ws/);
    } finally {
      rmSync(wrong, { recursive: true, force: true });
    }
  });

  it('names packages by their import specifiers', () => {
    assert.equal(packageOf('zod/mini'), 'zod');
    assert.equal(packageOf('@pinojs/redact'), '@pinojs/redact');
    assert.equal(packageOf('@scope/pkg/deep/file.js'), '@scope/pkg');
  });
});

describe('the staged application directory (what electron-builder packs into app.asar)', () => {
  let stage: string;
  let renderer: string;
  before(async () => {
    stage = mkdtempSync(join(tmpdir(), 'agentdesk-stage-'));
    renderer = mkdtempSync(join(tmpdir(), 'agentdesk-renderer-'));
    // A stand-in for the vite build: the stage copies whatever the renderer build wrote.
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>AgentDesk</title>');
    copyFileSync(join(APP_DIR, 'package.json'), join(stage, 'package.json'));
    await stageApp(stage, renderer);
  });
  after(() => {
    rmSync(stage, { recursive: true, force: true });
    rmSync(renderer, { recursive: true, force: true });
  });

  it('holds the manifest, the two bundles, the renderer and node_modules, nothing else', () => {
    assert.deepEqual(readdirSync(stage).sort(), ['dist', 'node_modules', 'package.json']);
    assert.deepEqual(readdirSync(join(stage, 'dist')).sort(), ['electron', 'renderer']);
    assert.deepEqual(readdirSync(join(stage, 'dist/electron')).sort(), ['main.js', 'preload.cjs']);
    assert.deepEqual(readdirSync(join(stage, 'dist/renderer')), ['index.html']);
  });

  it("main.js loads nothing from npm but the app's dependencies, and names no server or tool package", () => {
    const main = readFileSync(join(stage, 'dist/electron/main.js'), 'utf8');
    const specifiers = [...main.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)["']([^"'./][^"']*)["']/g)].map((m) => packageOf(m[1]!));
    const npm = [...new Set(specifiers.filter((s) => !s.startsWith('node:') && s !== 'electron'))].sort();
    assert.deepEqual(npm, ['keytar', 'openid-client', 'pino', 'ws', 'zod']);
    for (const name of SERVER_AND_TOOLS.filter((n) => n !== 'electron')) assert.ok(!specifiers.includes(name), name);
  });

  it('the preload is one file that requires only electron (a sandboxed preload can load nothing else)', () => {
    const preload = readFileSync(join(stage, 'dist/electron/preload.cjs'), 'utf8');
    const required = [...new Set([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]))];
    assert.deepEqual(required, ['electron']);
  });
});
