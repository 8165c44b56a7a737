// `npm start`: the local demo stack on 127.0.0.1. A development OpenID Provider (in this
// process), the co-browse server (a child, on its embedded SQLite data dir .demo/server, with a
// random demo agent token set on the first run and per-agent identity checked against the
// provider), and the agent desktop's browser shell (a child, with the same agent token in its
// keychain). It first builds what it serves (the agent UI and the snippet, scripts/build.ts, only
// what changed). Ctrl-C stops everything cleanly; if this process dies any other way (kill -9),
// the children see their link to it close and stop too (scripts/exit-with-parent.mjs).
//
// The demo customer site (demo/site, an insurance claim form) runs in this process too; its
// origin is one of the server's customerOrigins, and its pages load the snippet from the server.
//
// Usage: npm start [-- --port PORT] [--idp-port PORT] [--desktop-port PORT] [--site-port PORT] [--demo-dir DIR] [--no-open]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { startIdentityProvider } from '../demo/identity-provider.js';
import { startCustomerSite } from '../demo/site/serve-site.js';
import { build } from './build.js';

const root = resolve(import.meta.dirname, '..');
const serverBin = join(root, 'bin/agentdesk-server.js');
const desktopBin = join(root, 'bin/agentdesk.js');
/** Preloaded into each long-running child: it stops when its link to this process closes. */
export const exitWithParent = ['--import', pathToFileURL(join(root, 'scripts/exit-with-parent.mjs')).href];
/** The child's file descriptor for that link: the fourth stdio entry. */
const PARENT_FD = 3;
export const childEnv = { ...process.env, AGENTDESK_PARENT_FD: String(PARENT_FD) };
const URL_LINE = 'Co-browse server: ';
const DESKTOP_LINE = 'Agent desktop: ';
const SITE_LINE = 'Customer site: ';

/** The demo agent; the password only opens the demo identity provider on this machine. */
export const DEMO_AGENT = { sub: 'demo-agent', email: 'agent@example.com', name: 'Dana Demo', password: 'agentdesk-demo' };
export const DEMO_CLIENT_ID = 'agentdesk-demo';
/** `aud` of the agents' access tokens, which the co-browse server checks (RFC 8707 resource). */
export const COBROWSE_AUDIENCE = 'https://cobrowse.agentdesk.demo';

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
}

function runToEnd(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [serverBin, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** A 26-digit token from the OS CSPRNG, digit by digit so every digit is uniform. */
export function randomToken(): string {
  return Array.from({ length: 26 }, () => String(randomInt(10))).join('');
}

/** Sets a demo agent token unless one is stored; returns whether it made one. */
async function ensureDemoToken(dataDir: string): Promise<boolean> {
  const got = await runToEnd(['options', 'get', 'slave.password', '--data-dir', dataDir]);
  if (got.code !== 0) throw new Error(`cannot read the demo agent token:\n${got.stderr}`);
  if (got.stdout.startsWith('set')) return false;
  // Through stdin, so the token is never in a process list.
  const set = await runToEnd(['options', 'set', 'slave.password', '-', '--data-dir', dataDir], `${randomToken()}\n`);
  if (set.code !== 0) throw new Error(`cannot set the demo agent token:\n${set.stderr}`);
  return true;
}

/** Starts the server; resolves with its URL once it prints it. Its JSON logs go to `logFile`. */
function startServerChild(dataDir: string, port: string, configFile: string, logFile: string): Promise<{ child: Child; url: string }> {
  const proc = spawn(process.execPath, [...exitWithParent, serverBin, 'serve', '--data-dir', dataDir, '--port', port, '--config', configFile], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    // Its own process group: Ctrl-C reaches the demo only, which then stops the children in order.
    detached: true,
  });
  const log = createWriteStream(logFile, { flags: 'a', mode: 0o600 });
  return announcedUrl(proc, 'co-browse server', URL_LINE, (line) => log.write(`${line}\n`), () => log.end(), '');
}

/**
 * Resolves once the child prints `<prefix><url>`; every other stdout line goes to `onOtherLine`.
 * Rejects if the child exits first.
 */
export function announcedUrl(
  proc: ChildProcess,
  name: string,
  prefix: string,
  onOtherLine: (line: string) => void,
  onExit: () => void,
  hint: string,
): Promise<{ child: Child; url: string }> {
  const exited = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    let pending = '';
    let url: string | undefined;
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith(prefix) && url === undefined) {
          url = line.slice(prefix.length).trim();
          done({ child: { name, process: proc, exited }, url });
        } else {
          onOtherLine(line);
        }
      }
    });
    void exited.then((code) => {
      onExit();
      if (url === undefined) fail(new Error(`the ${name} exited with status ${code} before listening${hint}`));
    });
  });
}

export async function stopAll(children: readonly Child[]): Promise<void> {
  for (const child of [...children].reverse()) {
    // Each child leads its own process group (detached): the group gets the signal, so wrappers
    // such as the Secret Service session stop together with what they run.
    if (child.process.exitCode === null && child.process.signalCode === null && child.process.pid !== undefined) {
      try {
        process.kill(-child.process.pid, 'SIGTERM');
      } catch {
        child.process.kill('SIGTERM');
      }
    }
    await child.exited;
  }
}

/** Reads the stored demo token (held in memory only, to seed the desktop's keychain). */
async function revealDemoToken(dataDir: string): Promise<string> {
  const got = await runToEnd(['options', 'get', 'slave.password', '--reveal', '--data-dir', dataDir]);
  const token = got.stdout.trim();
  if (got.code !== 0 || !/^\d{26}$/.test(token)) throw new Error(`cannot read the demo agent token:\n${got.stderr}`);
  return token;
}

/**
 * Starts the browser shell with the agent token on stdin. Without a desktop session bus (a
 * headless machine) it runs inside a private Secret Service (gnome-keyring) that lasts as long
 * as the demo, so the keychain is real either way.
 */
export function startDesktopChild(options: {
  dataDir: string;
  port: string;
  providersFile: string;
  serverUrl: string;
  agentToken: string;
  open: boolean;
  logFile: string;
}): Promise<{ child: Child; url: string }> {
  const args = [
    ...exitWithParent,
    desktopBin,
    '--data-dir', options.dataDir,
    '--port', options.port,
    '--providers', options.providersFile,
    '--server-url', options.serverUrl,
    '--agent-token-stdin',
    ...(options.open ? [] : ['--no-open']),
  ];
  const command = process.env.DBUS_SESSION_BUS_ADDRESS ? [process.execPath, ...args] : ['bash', join(root, 'scripts/with-secret-service.sh'), process.execPath, ...args];
  const [file, ...rest] = command as [string, ...string[]];
  const proc = spawn(file, rest, { cwd: root, env: childEnv, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], detached: true });
  proc.stdin!.end(`${options.agentToken}\n`);
  const log = createWriteStream(options.logFile, { flags: 'a', mode: 0o600 });
  proc.stderr!.pipe(log);
  const relay = (line: string): void => {
    if (line.trim()) console.log(line);
  };
  return announcedUrl(proc, 'agent desktop', DESKTOP_LINE, relay, () => undefined, `; see ${options.logFile}`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8700' },
      'idp-port': { type: 'string', default: '8701' },
      'desktop-port': { type: 'string', default: '8710' },
      'site-port': { type: 'string', default: '8720' },
      'demo-dir': { type: 'string', default: join(root, '.demo') },
      'no-open': { type: 'boolean', default: false },
    },
    strict: true,
  });
  // Before anything listens: a fresh clone has no dist/ yet.
  await build(['renderer', 'snippet']);

  const demoDir = resolve(values['demo-dir']);
  const dataDir = join(demoDir, 'server');
  const desktopDir = join(demoDir, 'desktop');
  mkdirSync(desktopDir, { recursive: true, mode: 0o700 });
  const shown = (path: string): string => (path.startsWith(root) ? relative(root, path) : path);

  const children: Child[] = [];
  let closeIdp: (() => Promise<void>) | null = null;
  let closeSite: (() => Promise<void>) | null = null;
  let stopping: Promise<void> | null = null;
  const stop = (): void => {
    if (stopping) return;
    console.log('\nStopping the demo...');
    stopping = stopAll(children)
      .then(() => closeSite?.())
      .then(() => closeIdp?.());
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const idp = await startIdentityProvider({
    port: Number(values['idp-port']),
    accounts: [DEMO_AGENT],
    // The desktop's redirects for provider "demo": its custom scheme (when the OS routes it) and
    // loopback (any port); each provider has its own path.
    clients: [{ clientId: DEMO_CLIENT_ID, redirectUris: ['com.agentdesk.desktop:/oauth/callback/demo', 'http://127.0.0.1/oauth/callback/demo'] }],
    accessTokenAudience: COBROWSE_AUDIENCE,
  });
  closeIdp = idp.close;

  // The site needs the server's URL for its snippet tag and the server needs the site's origin:
  // the site asks for the URL on every page, so it can start first.
  let serverUrl = '';
  const site = await startCustomerSite({ port: Number(values['site-port']), serverUrl: () => serverUrl });
  closeSite = site.close;

  const created = await ensureDemoToken(dataDir);
  const configFile = join(demoDir, 'server-config.json');
  const serverConfig = { oidc: { issuer: idp.issuer, audience: COBROWSE_AUDIENCE }, customerOrigins: [site.origin] };
  writeFileSync(configFile, `${JSON.stringify(serverConfig, null, 2)}\n`, { mode: 0o600 });
  const logFile = join(demoDir, 'server.log');
  const server = await startServerChild(dataDir, values.port, configFile, logFile);
  children.push(server.child);
  serverUrl = server.url;

  const providersFile = join(desktopDir, 'providers.json');
  const provider = { id: 'demo', label: 'Demo identity provider', issuer: idp.issuer, client_id: DEMO_CLIENT_ID, redirect: { mode: 'auto' } };
  writeFileSync(providersFile, `${JSON.stringify({ providers: [provider] }, null, 2)}\n`, { mode: 0o600 });
  const desktopLog = join(demoDir, 'desktop.log');
  const desktop = await startDesktopChild({
    dataDir: desktopDir,
    port: values['desktop-port'],
    providersFile,
    serverUrl: server.url,
    agentToken: await revealDemoToken(dataDir),
    open: !values['no-open'],
    logFile: desktopLog,
  });
  children.push(desktop.child);

  console.log(`${DESKTOP_LINE}${desktop.url}`);
  console.log(`Identity provider: ${idp.issuer}`);
  console.log(`${URL_LINE}${server.url}`);
  console.log(`${SITE_LINE}${site.url}`);
  console.log(`Demo agent: ${DEMO_AGENT.email} / ${DEMO_AGENT.password}`);
  console.log(
    `Demo agent token: ${created ? 'a new random token was set' : 'the token set on an earlier run'}, stored encrypted in ${shown(dataDir)} and in the desktop's keychain.`,
  );
  console.log(`  Show it with: node bin/agentdesk-server.js options get slave.password --reveal --data-dir ${shown(dataDir)}`);
  console.log(`  Open the customer site, press Co-browse and give the 9-digit code to the agent desktop.`);
  console.log(`Server log: ${shown(logFile)}; desktop log: ${shown(desktopLog)}. Press Ctrl-C to stop.`);

  const first = await Promise.race(children.map((c) => c.exited.then((code) => ({ name: c.name, code }))));
  if (stopping) {
    await stopping;
    return 0;
  }
  console.error(`The ${first.name} stopped on its own (status ${first.code}); see the logs above.`);
  await stopAll(children);
  await site.close();
  await idp.close();
  return 1;
}

// Run as a script (npm start); scripts/demo-cluster.ts imports the pieces above instead.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
