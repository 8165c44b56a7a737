// `agentdesk`: the agent desktop in the browser shell. The same core as the Electron app, its UI
// served on 127.0.0.1 and opened in the system browser. Launched with a callback URL while an
// instance runs (the OS handing over a custom-scheme redirect), it passes the URL on and exits.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { parseApiArguments } from '../../common/api.js';
import { createDesktopApp } from '../app/desktop-app.js';
import { createDesktopLogger } from '../app/desktop-logger.js';
import { createKeytarSecretStore } from '../vault/keytar-secret-store.js';
import { keychainService } from '../vault/keychain-names.js';
import { createHostDesktop } from './host-desktop.js';
import { startHostServer } from './host-server.js';
import { claimInstance } from './single-instance.js';
import { openInSystemBrowser } from './system-browser.js';

const USAGE = `Usage: agentdesk [options] [callback-url]

  --data-dir DIR     where settings and the instance socket live (default ~/.config/agentdesk)
  --port PORT        local port of the agent UI (default: any free port)
  --providers FILE   an administrator's sign-in providers file (JSON)
  --server-url URL   co-browse server to use until one is set in Settings
  --profile NAME     keychain profile (default "default")
  --no-open          print the link instead of opening the system browser
  --agent-token-stdin  read a 26-digit agent token from standard input and keep it in the keychain
  --help`;

function defaultDataDir(): string {
  const base = process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
  return join(base, 'agentdesk');
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        providers: { type: 'string' },
        'server-url': { type: 'string' },
        profile: { type: 'string' },
        'no-open': { type: 'boolean' },
        'agent-token-stdin': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    process.stderr.write(`agentdesk: ${(err as Error).message}\n${USAGE}\n`);
    return 64;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`agentdesk: --port must be a number from 0 to 65535\n`);
    return 64;
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const logger = createDesktopLogger('agentdesk', pino.destination({ dest: 2, sync: true }));
  const app = createDesktopApp({
    desktop: createHostDesktop(dataDir),
    secretStore: createKeytarSecretStore(keychainService(values.profile ?? 'default')),
    logger,
    providersFile: values.providers,
    defaultServerUrl: values['server-url'],
  });

  // The OS may start us again with a callback URL: the running instance takes it.
  const instance = await claimInstance(dataDir, positionals, (argv) => {
    void app.handleArgv(argv);
  });
  if (instance.role === 'secondary') {
    process.stdout.write('AgentDesk is already running: the link was handed to it.\n');
    return 0;
  }

  await app.start();
  if (values['agent-token-stdin']) {
    const token = parseApiArguments('saveAgentToken', [(await readStdin()).trim()]);
    const saved = token.ok ? await app.dispatch('saveAgentToken', token.args) : token;
    if (!saved.ok) {
      process.stderr.write(`agentdesk: ${saved.error.message}\n`);
      await app.dispose();
      await instance.close();
      return 64;
    }
  }
  await app.handleArgv(positionals);
  const host = await startHostServer({
    app,
    rendererDir: resolve(import.meta.dirname, '../../dist/renderer'),
    key: randomBytes(32).toString('base64url'),
    port,
    logger,
  });
  process.stdout.write(`Agent desktop: ${host.url}\n`);
  if (!values['no-open']) {
    openInSystemBrowser(host.url).catch((err: unknown) => {
      process.stdout.write(`Could not open the system browser (${(err as Error).message}); open the link above yourself.\n`);
    });
  }

  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await host.close();
  await app.dispose();
  await instance.close();
  return 0;
}

// A token is a line of 26 digits; more than this is not one.
const STDIN_MAX_BYTES = 1024;

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.length > STDIN_MAX_BYTES) break;
  }
  return text;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`agentdesk: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
