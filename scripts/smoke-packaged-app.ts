// Smoke test of the packaged app (`npm run dist` output, unpacked form): launches the executable
// the installers carry, with a Chromium remote-debugging port, connects over CDP and checks that the
// window shows app://agentdesk/index.html with the preload's window.agentdesk. Playwright's
// _electron.launch cannot drive a packaged build: the enableNodeCliInspectArguments fuse is off, so
// the --inspect it relies on is refused; --remote-debugging-port is Chromium's and stays available.
//
//   node --import tsx scripts/smoke-packaged-app.ts [--require] [--installers DIR]
//
// Without a build it prints why and exits 0 (it is skipped, never passed); with --require (CI) a
// missing build fails. Linux: run it under xvfb-run and scripts/with-secret-service.sh, after
// chrome-sandbox is setuid root as the deb's post-install script makes it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';

const root = resolve(import.meta.dirname, '..');

/** electron-builder.yml names: productName AgentDesk; on Linux the executable is the package name. */
const PRODUCT_NAME = 'AgentDesk';
const LINUX_EXECUTABLE = 'agentdesk';
export const APP_START_URL = 'app://agentdesk/index.html';
/** Starting Electron and the renderer on a cold CI runner (the macOS ones are slowest). */
const LAUNCH_TIMEOUT_MS = 60_000;

/** Where electron-builder leaves the unpacked app of this platform and arch, and its executable. */
export function unpackedExecutable(installersDir: string, platform: NodeJS.Platform, arch: string): string {
  switch (platform) {
    case 'linux':
      return join(installersDir, arch === 'x64' ? 'linux-unpacked' : `linux-${arch}-unpacked`, LINUX_EXECUTABLE);
    case 'win32':
      return join(installersDir, arch === 'x64' ? 'win-unpacked' : `win-${arch}-unpacked`, `${PRODUCT_NAME}.exe`);
    case 'darwin':
      return join(installersDir, arch === 'x64' ? 'mac' : `mac-${arch}`, `${PRODUCT_NAME}.app`, 'Contents', 'MacOS', PRODUCT_NAME);
    default:
      throw new Error(`no installers are built for ${platform}`);
  }
}

/** Why the packaged app's Chromium sandbox cannot start on Linux, or null when it can. */
export function linuxSandboxProblem(executable: string): string | null {
  const helper = join(executable, '..', 'chrome-sandbox');
  if (!existsSync(helper)) return `${helper} is missing`;
  const stats = statSync(helper);
  if (stats.uid !== 0 || (stats.mode & 0o4000) === 0) {
    return `${helper} must be owned by root with the setuid bit (the deb's post-install does this): sudo chown root:root ${helper} && sudo chmod 4755 ${helper}`;
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

async function waitForDevTools(port: number, child: ChildProcess, deadline: number, timeoutMs: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} before opening its debugging port`);
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/json/version`);
      if (answer.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no debugging port on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

export interface SmokeOptions {
  /** The page the window must show (tests point a plain Chromium at another one). */
  readonly startUrl?: string;
  readonly timeoutMs?: number;
}

/** Launches the packaged app and checks its window; throws what is wrong. */
export async function smokePackagedApp(executable: string, options: SmokeOptions = {}): Promise<{ url: string; api: string[] }> {
  const startUrl = options.startUrl ?? APP_START_URL;
  const timeoutMs = options.timeoutMs ?? LAUNCH_TIMEOUT_MS;
  const userData = mkdtempSync(join(tmpdir(), 'agentdesk-smoke-'));
  const port = await freePort();
  const child = spawn(executable, [`--remote-debugging-port=${port}`], {
    env: { ...process.env, AGENTDESK_USER_DATA_DIR: userData, AGENTDESK_PROFILE: `smoke-${process.pid}` },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + timeoutMs;
  try {
    await waitForDevTools(port, child, deadline, timeoutMs);
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
    try {
      const context = browser.contexts()[0];
      if (context === undefined) throw new Error('the app exposes no browser context');
      let page: Page | undefined;
      while (page === undefined && Date.now() < deadline) {
        page = context.pages().find((p) => p.url() === startUrl);
        if (page === undefined) await new Promise((r) => setTimeout(r, 250));
      }
      if (page === undefined) throw new Error(`no window shows ${startUrl}; pages: ${context.pages().map((p) => p.url()).join(', ') || 'none'}`);
      await page.waitForLoadState('domcontentloaded');
      const api = await page.evaluate(() => {
        const bridge = (globalThis as { agentdesk?: object }).agentdesk;
        return bridge === undefined ? null : Object.keys(bridge).sort();
      });
      if (api === null) throw new Error('window.agentdesk is absent: the preload did not run');
      const node = await page.evaluate(() => typeof (globalThis as { process?: unknown }).process);
      if (node !== 'undefined') throw new Error('the page can reach Node (process is defined)');
      return { url: page.url(), api };
    } finally {
      await browser.close().catch(() => undefined);
    }
  } finally {
    child.kill();
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    // Windows may still hold files of the exited app for a moment.
    rmSync(userData, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dirFlag = args.indexOf('--installers');
  const installers = dirFlag >= 0 && args[dirFlag + 1] !== undefined ? resolve(args[dirFlag + 1]!) : join(root, 'dist/installers');
  const executable = unpackedExecutable(installers, process.platform, process.arch);
  if (!existsSync(executable)) {
    const message = `packaged-app smoke test skipped: ${executable} does not exist (npm run dist builds it; it downloads Electron, so it needs the network)`;
    if (args.includes('--require')) throw new Error(message.replace('skipped', 'failed'));
    console.log(message);
    return;
  }
  if (process.platform === 'linux') {
    const problem = linuxSandboxProblem(executable);
    if (problem !== null) throw new Error(`packaged-app smoke test: ${problem}`);
  }
  const result = await smokePackagedApp(executable);
  console.log(`packaged-app smoke test passed: ${executable} shows ${result.url} with window.agentdesk (${result.api.length} operations)`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
}
