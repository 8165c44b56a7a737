// One whole AgentDesk stack for an end-to-end test: the demo identity provider (in this process),
// the co-browse server (a real process on its own data dir), and the agent desktop's browser shell
// (a real `agentdesk` process whose "system browser" is recorded for the test to open).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIdentityProvider, type RunningIdentityProvider } from '../../../../demo/identity-provider.js';
import { REPO_ROOT, runCli, startServerProcess, type ServerProcess } from '../../../integration/server/helpers/server-process.js';
import { build } from '../../../../scripts/build.js';

export const AGENT = { sub: 'agent-e2e', email: 'ada@example.test', name: 'Ada Agent', password: 'e2e-password' } as const;
export const PROVIDER_LABEL = 'Demo identity provider';
const CLIENT_ID = 'agentdesk-e2e';
const AUDIENCE = 'https://cobrowse.agentdesk.e2e';
const DESKTOP_LINE = 'Agent desktop: ';
/** The customer site's origin the server allows (the tests play the customer page's requests). */
export const CUSTOMER_ORIGIN = 'https://shop.example.test';

export interface DesktopStackOptions {
  readonly redirect: 'custom-scheme' | 'loopback';
  /** The server's slave.password; null leaves it unset. */
  readonly serverToken: string | null;
  /** The token saved in the desktop's keychain; null saves none. */
  readonly desktopToken: string | null;
  /** The server's assetOrigins (where the agent's mirror may load the page's resources from). */
  readonly assetOrigins?: readonly string[];
}

export interface DesktopStack {
  readonly idp: RunningIdentityProvider;
  server: ServerProcess;
  /** The link the desktop printed (with its launch key). */
  readonly desktopUrl: string;
  readonly desktopDataDir: string;
  readonly keychainProfile: string;
  /** The next URL the desktop opened in the "system browser". */
  nextBrowserUrl(timeoutMs?: number): Promise<string>;
  /** Launches `agentdesk <url>` as the OS does for a custom-scheme link. */
  launchWithUrl(url: string): Promise<{ code: number | null; stdout: string }>;
  /** Stops the co-browse server (SIGTERM) and starts it again on the same port and data dir. */
  restartServer(downMs: number): Promise<void>;
  desktopLog(): string;
  close(): Promise<void>;
}

export function randomToken(): string {
  return Array.from({ length: 26 }, () => Math.floor(Math.random() * 10)).join('');
}

let profiles = 0;

export async function startDesktopStack(options: DesktopStackOptions): Promise<DesktopStack> {
  // What the desktop and the server serve (only what changed since the last build).
  await build(['renderer', 'snippet'], { log: () => undefined });
  const root = mkdtempSync(join(tmpdir(), 'agentdesk-e2e-'));
  const serverDir = join(root, 'server');
  const desktopDir = join(root, 'desktop');
  mkdirSync(desktopDir, { recursive: true, mode: 0o700 });
  const browserLog = join(root, 'browser.log');
  writeFileSync(browserLog, '');
  const keychainProfile = `e2e-${process.pid}-${++profiles}`;

  const idp = await startIdentityProvider({
    accounts: [AGENT],
    clients: [{ clientId: CLIENT_ID, redirectUris: ['com.agentdesk.desktop:/oauth/callback/demo', 'http://127.0.0.1/oauth/callback/demo'] }],
    accessTokenAudience: AUDIENCE,
  });

  if (options.serverToken !== null) {
    const set = await runCli(['options', 'set', 'slave.password', '-', '--data-dir', serverDir], { input: `${options.serverToken}\n` });
    if (set.code !== 0) throw new Error(`options set failed: ${set.stderr}`);
  }
  const configFile = join(root, 'server-config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ oidc: { issuer: idp.issuer, audience: AUDIENCE }, customerOrigins: [CUSTOMER_ORIGIN], ...(options.assetOrigins ? { assetOrigins: options.assetOrigins } : {}) }),
  );
  let server = await startServerProcess({ dataDir: serverDir, args: ['--config', configFile] });
  const port = server.port;

  const providersFile = join(desktopDir, 'providers.json');
  const provider = { id: 'demo', label: PROVIDER_LABEL, issuer: idp.issuer, client_id: CLIENT_ID, redirect: { mode: options.redirect } };
  writeFileSync(providersFile, JSON.stringify({ providers: [provider] }));

  const env = {
    ...process.env,
    BROWSER: `${process.execPath} ${join(import.meta.dirname, 'record-browser.mjs')}`,
    AGENTDESK_E2E_BROWSER_LOG: browserLog,
  };
  const args = [
    join(REPO_ROOT, 'bin/agentdesk.js'),
    '--data-dir', desktopDir,
    '--port', '0',
    '--providers', providersFile,
    '--server-url', server.url,
    '--profile', keychainProfile,
    '--no-open',
    ...(options.desktopToken === null ? [] : ['--agent-token-stdin']),
  ];
  const desktop = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  desktop.stdin.end(options.desktopToken === null ? '' : `${options.desktopToken}\n`);
  let log = '';
  desktop.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
  const desktopUrl = await waitForLine(desktop, DESKTOP_LINE, () => log);

  let seen = 0;
  return {
    idp,
    get server() {
      return server;
    },
    set server(value) {
      server = value;
    },
    desktopUrl,
    desktopDataDir: desktopDir,
    keychainProfile,
    async nextBrowserUrl(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const lines = readFileSync(browserLog, 'utf8').split('\n').filter(Boolean);
        if (lines.length > seen) return lines[seen++]!;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the desktop opened no system-browser URL in ${timeoutMs} ms; desktop log:\n${log}`);
    },
    launchWithUrl(url) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/agentdesk.js'), '--data-dir', desktopDir, url], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'], timeout: 30_000 });
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, stdout }));
      });
    },
    async restartServer(downMs) {
      await server.stop('SIGTERM');
      await new Promise((r) => setTimeout(r, downMs));
      server = await startServerProcess({ dataDir: serverDir, args: ['--config', configFile, '--port', String(port)] });
    },
    desktopLog: () => log,
    async close() {
      desktop.kill('SIGTERM');
      await new Promise((r) => (desktop.exitCode === null ? desktop.once('exit', r) : r(null)));
      await server.stop('SIGTERM').catch(() => undefined);
      await idp.close();
      if (existsSync(root)) rmSync(root, { recursive: true, force: true });
    },
  };
}

function waitForLine(child: ChildProcess, prefix: string, log: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(() => reject(new Error(`agentdesk did not start; log:\n${log()}`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const line = pending.split('\n').find((l) => l.startsWith(prefix));
      if (line) {
        clearTimeout(timer);
        resolve(line.slice(prefix.length).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agentdesk exited with ${code} before listening; log:\n${log()}`));
    });
  });
}
