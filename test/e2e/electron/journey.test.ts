// The agent's journey through the real Electron app: Playwright's _electron.launch starts
// dist/electron/main.js with the real binary, the agent signs in through the demo identity
// provider in a "system browser" (Chromium), the custom-scheme redirect is handed over by
// launching a second instance with the URL (as the OS does), and the agent joins a session on the
// real co-browse server, pops the view out into its own window and brings it back, and signs out
// from the session bar. Runs where the Electron binary is installed (CI); otherwise it is reported
// as skipped with the reason, never as passed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron, type Browser, type ElectronApplication, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { startIdentityProvider, type RunningIdentityProvider } from '../../../demo/identity-provider.js';
import { mainBuildOptions, preloadBuildOptions } from '../../../scripts/build-electron.js';
import { launchChromium } from '../../support/chromium.js';
import { REPO_ROOT, runCli, startServerProcess, type ServerProcess } from '../../integration/server/helpers/server-process.js';
import { AGENT, CUSTOMER_ORIGIN, PROVIDER_LABEL, randomToken } from '../desktop/support/desktop-stack.js';
import { createCustomerSession } from '../desktop/support/agent-journey.js';

const CLIENT_ID = 'agentdesk-electron-e2e';
const AUDIENCE = 'https://cobrowse.agentdesk.e2e';
const SHOTS = join(REPO_ROOT, 'test-results', 'electron');

/** The Electron executable the npm package would run, or why there is none. */
function electronBinary(): { readonly path: string } | { readonly missing: string } {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron npm package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: `${pathFile} is absent: run "node node_modules/electron/install.js" where the network allows` };
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `${binary} is absent` };
}

const electron = electronBinary();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skip =
  'missing' in electron
    ? `Electron binary not installed: ${electron.missing}`
    : noDisplay
      ? 'No display for Electron: run this file under xvfb-run (as .github/workflows/desktop.yml does)'
      : false;
// Ubuntu 24.04 forbids the unprivileged user namespaces Chromium's sandbox uses unless chrome-sandbox
// is setuid root, which an npm install never makes it. --no-sandbox turns off the OS sandbox of
// every child process (renderers, GPU, utility), not only the renderer's: the page keeps only
// Electron's `sandbox: true` limits (no Node, the narrow preload), which are no OS sandbox. Fine for
// a test runner; the packaged-app smoke test (scripts/smoke-packaged-app.ts) runs with the sandbox.
const CHROMIUM_FLAGS = process.platform === 'linux' ? ['--no-sandbox'] : [];

describe('agent desktop (Electron shell): sign in through the system browser and join a session', () => {
  const binary = 'path' in electron ? electron.path : '';
  const mainJs = join(REPO_ROOT, 'dist/electron/main.js');
  let root: string;
  let idp: RunningIdentityProvider;
  let server: ServerProcess;
  let chromium: Browser;
  let env: Record<string, string>;
  let agentToken: string;

  before(async () => {
    if (skip) return;
    await Promise.all([build(mainBuildOptions()), build(preloadBuildOptions())]);
    assert.ok(existsSync(join(REPO_ROOT, 'dist/renderer/index.html')), 'the agent UI is built (npm run build:renderer)');
    root = mkdtempSync(join(tmpdir(), 'agentdesk-electron-e2e-'));
    idp = await startIdentityProvider({
      accounts: [AGENT],
      clients: [{ clientId: CLIENT_ID, redirectUris: ['com.agentdesk.desktop:/oauth/callback/demo'] }],
      accessTokenAudience: AUDIENCE,
    });
    const token = randomToken();
    const serverDir = join(root, 'server');
    const set = await runCli(['options', 'set', 'slave.password', '-', '--data-dir', serverDir], { input: `${token}\n` });
    assert.equal(set.code, 0, set.stderr);
    const configFile = join(root, 'server-config.json');
    writeFileSync(configFile, JSON.stringify({ oidc: { issuer: idp.issuer, audience: AUDIENCE }, customerOrigins: [CUSTOMER_ORIGIN] }));
    server = await startServerProcess({ dataDir: serverDir, args: ['--config', configFile] });
    const providersFile = join(root, 'providers.json');
    writeFileSync(providersFile, JSON.stringify({ providers: [{ id: 'demo', label: PROVIDER_LABEL, issuer: idp.issuer, client_id: CLIENT_ID, redirect: { mode: 'custom-scheme' } }] }));
    env = {
      ...(process.env as Record<string, string>),
      AGENTDESK_USER_DATA_DIR: join(root, 'user-data'),
      AGENTDESK_PROVIDERS_FILE: providersFile,
      AGENTDESK_SERVER_URL: server.url,
      AGENTDESK_PROFILE: `electron-e2e-${process.pid}`,
      // The runner's (or a developer's installed AgentDesk's) scheme handler is left alone; the
      // callback is handed over by launching the app with it, as the OS would.
      AGENTDESK_SCHEME_REGISTRATION: 'off',
    };
    agentToken = token;
    chromium = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    if (skip) return;
    await chromium?.close();
    await server?.stop('SIGTERM').catch(() => undefined);
    await idp?.close();
    // Windows keeps the exited app's files (keychain, logs, Chromium's profile) locked for a moment.
    if (root) rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  /** Starts Electron with the callback URL as its argument, as the OS does; it must hand over and quit. */
  function launchWithUrl(url: string): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const child = spawn(binary, [...CHROMIUM_FLAGS, mainJs, url], { env, stdio: 'ignore', timeout: 30_000 });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code));
    });
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  }

  // Skipped (with the reason) on the test itself, so the run counts it as skipped, not passed.
  it('signs in with the custom scheme, joins with the agent token, and signs out', { skip }, async () => {
    const app: ElectronApplication = await _electron.launch({ executablePath: binary, args: [...CHROMIUM_FLAGS, mainJs], env });
    try {
      // The system browser is played by recording what the main process asks the OS to open.
      await app.evaluate(({ shell }) => {
        const opened: string[] = [];
        (globalThis as { agentdeskOpened?: string[] }).agentdeskOpened = opened;
        shell.openExternal = async (url: string) => {
          opened.push(url);
        };
      });
      const page = await app.firstWindow();
      // The first window may still show about:blank; wait for the agent UI itself.
      await page.waitForURL('app://agentdesk/index.html', { waitUntil: 'domcontentloaded' });
      assert.equal(page.url(), 'app://agentdesk/index.html');
      const surface = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        api: Object.keys((globalThis as unknown as { agentdesk: object }).agentdesk).sort(),
      }));
      assert.deepEqual({ require: surface.require, process: surface.process }, { require: 'undefined', process: 'undefined' }, 'no Node in the page');
      assert.ok(surface.api.includes('join') && !surface.api.includes('send') && !surface.api.includes('invoke'));

      // The agent token the server expects, saved through the bridge into the keychain.
      const token = agentToken;
      const saved = await page.evaluate((token) => (globalThis as unknown as { agentdesk: { saveAgentToken(t: string): Promise<{ ok: boolean }> } }).agentdesk.saveAgentToken(token), token);
      assert.deepEqual(saved, { ok: true, value: undefined });

      await page.getByRole('button', { name: `Sign in with ${PROVIDER_LABEL}` }).click();
      await shot(page, '01-waiting');
      let authorizationUrl: string | undefined;
      for (let i = 0; i < 150 && !authorizationUrl; i += 1) {
        authorizationUrl = await app.evaluate(() => (globalThis as { agentdeskOpened?: string[] }).agentdeskOpened?.[0]);
        if (!authorizationUrl) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(authorizationUrl?.startsWith(`${idp.issuer}/`), 'the sign-in page of the provider was opened in the system browser');

      const system = await (await chromium.newContext()).newPage();
      await system.goto(authorizationUrl!);
      await system.getByLabel('Email').fill(AGENT.email);
      await system.getByLabel('Password').fill(AGENT.password);
      const redirected = system.waitForRequest((r) => r.url().startsWith('com.agentdesk.desktop:'), { timeout: 15_000 });
      await system.getByRole('button', { name: 'Sign in' }).click().catch(() => undefined);
      const callback = (await redirected).url();
      assert.equal(await launchWithUrl(callback), 0, 'the second instance hands the URL over and quits');

      await page.locator('.agent-email', { hasText: AGENT.email }).waitFor();
      await page.getByText('Admitted with this desktop’s agent token.').waitFor();
      await shot(page, '02-connected');

      const session = await createCustomerSession(server.url);
      await page.getByLabel('Session code').fill(session.code);
      await page.getByRole('button', { name: 'Join', exact: true }).click();
      await page.getByRole('heading', { name: /^In session/ }).waitFor();
      await shot(page, '03-joined');

      // The view in its own window: a second BrowserWindow the main process opens on the app's
      // pop-out route, as locked down as the main window, and closed again by "Bring it back".
      const [popOut] = await Promise.all([app.waitForEvent('window'), page.getByRole('button', { name: 'Pop out' }).click()]);
      await popOut.waitForURL('app://agentdesk/index.html?view=pop-out', { waitUntil: 'domcontentloaded' });
      await popOut.getByRole('button', { name: 'Bring back' }).waitFor();
      await page.getByRole('heading', { name: 'The view is in its own window' }).waitFor();
      const popOutSurface = await popOut.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        // Denied by the window-open handler: Electron answers null.
        opened: (globalThis as unknown as { open(url: string): unknown }).open('app://agentdesk/index.html') !== null,
      }));
      assert.deepEqual(popOutSurface, { require: 'undefined', process: 'undefined', opened: false }, 'no Node and no new windows in the pop-out');
      const refused = await popOut.evaluate(() => (globalThis as unknown as { agentdesk: { signOut(): Promise<{ ok: boolean; error?: { code: string } }> } }).agentdesk.signOut());
      assert.equal(refused.ok ? 'ok' : refused.error?.code, 'IPC_SENDER_REJECTED', 'the pop-out may not sign out');
      assert.equal(app.windows().length, 2);
      await shot(popOut, '03b-pop-out');
      await Promise.all([popOut.waitForEvent('close'), page.getByRole('button', { name: 'Bring it back' }).click()]);
      await page.getByTestId('popped-out').waitFor({ state: 'detached' });

      // Mid-session, Sign out is in the session bar's menu and asks first.
      await page.getByText('More').click();
      await page.getByRole('button', { name: 'Sign out…' }).click();
      await page.getByRole('dialog', { name: 'End the session and sign out?' }).getByRole('button', { name: 'End session and sign out' }).click();
      await page.getByRole('button', { name: /^Sign in with/ }).waitFor();
      await shot(page, '04-signed-out');
      const cleared = await page.evaluate(() => (globalThis as unknown as { agentdesk: { clearAgentToken(): Promise<{ ok: boolean }> } }).agentdesk.clearAgentToken());
      assert.equal(cleared.ok, true);
    } finally {
      await app.close();
    }
  });
});
