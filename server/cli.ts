// agentdesk-server: `serve` starts the co-browse server on its data dir; `options set|get|clear`
// manage the encrypted agent token in the same data dir, also while a server runs (it picks the
// change up within one second). Exit statuses: server/config/exit-codes.ts.
import type { Logger } from 'pino';
import { AgentDeskError } from '../common/errors.js';
import { startServer } from './app.js';
import { tuneGcForRelay } from './runtime/gc-tuning.js';
import { buildServerConfig } from './config/build-server-config.js';
import { EXIT_OK, EXIT_UNEXPECTED, exitCodeFor, showsUsage } from './config/exit-codes.js';
import { SHUTDOWN_TIMEOUT_MS } from './config/limits.js';
import { STDIN_VALUE, USAGE, parseCommandLine, type Command } from './config/parse-command-line.js';
import { readStdinToken } from './config/read-stdin-token.js';
import { assertNever } from '../common/assert-never.js';
import { createLogger } from './log/create-logger.js';
import { maskDigitRuns } from './log/redact.js';
import { ADMIN_KEY_OPTION, AdminKeyStore, adminKeyProblem } from './store/admin-key-store.js';
import { AGENT_TOKEN_OPTION, agentTokenProblem } from './store/agent-token-option.js';
import { AuditStore } from './store/audit-store.js';
import { startLiveAgentTokenSource } from './store/live-agent-token-source.js';
import { OptionsStore } from './store/options-store.js';
import type { AgentTokenState, RunningServer } from './types.js';

const PROGRAM = 'agentdesk-server';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** One line on stderr; digit runs are masked in case a token was typed where a name belongs. */
function complain(line: string): void {
  process.stderr.write(`${maskDigitRuns(`${PROGRAM}: ${line}`)}\n`);
}

function describeState(state: AgentTokenState): Record<string, unknown> {
  return { set: state.current !== null, previousValidUntil: state.previous ? new Date(state.previous.validUntil).toISOString() : null };
}

function listenError(err: unknown, host: string, port: number): AgentDeskError | null {
  const code = err instanceof Error && 'code' in err ? String(err.code) : '';
  if (!['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return null;
  return new AgentDeskError('SERVER_LISTEN_FAILED', `cannot listen on ${host}:${port} (${code})`, { cause: err });
}

/** Resolves on the first SIGTERM or SIGINT; a second one exits at once. */
function firstSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (received) {
        logger.warn({ signal }, 'second signal during shutdown: exiting now');
        process.exit(EXIT_UNEXPECTED);
      }
      received = true;
      resolve(signal);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}

async function serve(command: Extract<Command, { kind: 'serve' }>): Promise<number> {
  tuneGcForRelay();
  const config = buildServerConfig(command.flags);
  const store = OptionsStore.open({ dataDir: config.dataDir, keyFile: config.keyFile, create: true });
  const logger = createLogger();
  // Their own connections to the same database file (WAL lets them write while the options poll).
  const audit = AuditStore.open(config.dataDir);
  const adminKeys = AdminKeyStore.open(config.dataDir, true);
  let running: RunningServer | undefined;
  const source = (() => {
    try {
      return startLiveAgentTokenSource(store, logger);
    } catch (err) {
      store.close();
      audit.close();
      adminKeys.close();
      throw err;
    }
  })();
  try {
    logger.info({ option: AGENT_TOKEN_OPTION, ...describeState(source.state()), agentAuth: config.agentAuth, dataDir: config.dataDir }, 'options store opened');
    source.onChange((state) => logger.info({ option: AGENT_TOKEN_OPTION, ...describeState(state) }, `option ${AGENT_TOKEN_OPTION} changed`));
    const stopped = firstSignal(logger);
    try {
      running = await startServer({ config, agentToken: source, logger, audit, adminKey: (key) => adminKeys.verify(key) });
    } catch (err) {
      throw listenError(err, config.host, config.port) ?? err;
    }
    say(`Co-browse server: ${running.url}`);
    const signal = await stopped;
    logger.info({ signal }, 'shutting down');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS, 'timeout').unref());
    if ((await Promise.race([running.close().then(() => 'closed' as const), timeout])) === 'timeout') {
      logger.warn({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown did not finish in time; exiting anyway');
    }
    logger.info('stopped');
    return EXIT_OK;
  } finally {
    source.close();
    store.close();
    audit.close();
    adminKeys.close();
  }
}

async function adminKeySet(command: Extract<Command, { kind: 'options-set' }>): Promise<number> {
  if (command.graceSeconds > 0) throw new AgentDeskError('SERVER_USAGE', `--grace applies to ${AGENT_TOKEN_OPTION} only`);
  const value = command.value === STDIN_VALUE ? await readStdinToken(process.stdin) : command.value;
  const problem = adminKeyProblem(value);
  if (problem) throw new AgentDeskError('SERVER_ADMIN_KEY_INVALID', `${problem}. The stored value was not changed.`);
  const config = buildServerConfig(command.flags);
  const keys = AdminKeyStore.open(config.dataDir, true);
  try {
    keys.set(value);
    say(`${ADMIN_KEY_OPTION} set`);
    return EXIT_OK;
  } finally {
    keys.close();
  }
}

function adminKeyGetOrClear(command: Extract<Command, { kind: 'options-get' | 'options-clear' }>): number {
  if (command.kind === 'options-get' && command.reveal) {
    throw new AgentDeskError('SERVER_USAGE', `${ADMIN_KEY_OPTION} is stored as a digest only: it cannot be revealed`);
  }
  const config = buildServerConfig(command.flags);
  const keys = AdminKeyStore.open(config.dataDir, false);
  try {
    if (command.kind === 'options-get') say(keys.isSet() ? 'set' : 'not set');
    else say(keys.clear() ? `${ADMIN_KEY_OPTION} cleared` : `${ADMIN_KEY_OPTION} was not set`);
    return EXIT_OK;
  } finally {
    keys.close();
  }
}

async function optionsSet(command: Extract<Command, { kind: 'options-set' }>): Promise<number> {
  if (command.name === ADMIN_KEY_OPTION) return adminKeySet(command);
  const value = command.value === STDIN_VALUE ? await readStdinToken(process.stdin) : command.value;
  // Checked before the store opens, so a typo never creates a data dir or key file.
  const problem = agentTokenProblem(value);
  if (problem) throw new AgentDeskError('SERVER_AGENT_TOKEN_INVALID', `${problem}. The stored value was not changed.`);
  const config = buildServerConfig(command.flags);
  const store = OptionsStore.open({ dataDir: config.dataDir, keyFile: config.keyFile, create: true });
  try {
    const { previousValidUntil } = store.setAgentToken(value, { graceSeconds: command.graceSeconds });
    say(
      previousValidUntil === null
        ? `${command.name} set`
        : `${command.name} set; the previous token stays valid until ${new Date(previousValidUntil).toISOString()}`,
    );
    return EXIT_OK;
  } finally {
    store.close();
  }
}

function optionsGet(command: Extract<Command, { kind: 'options-get' }>): number {
  if (command.name === ADMIN_KEY_OPTION) return adminKeyGetOrClear(command);
  const config = buildServerConfig(command.flags);
  const store = OptionsStore.open({ dataDir: config.dataDir, keyFile: config.keyFile, create: false });
  try {
    const state = store.readAgentToken();
    if (state.current === null) say('not set');
    else say(command.reveal ? state.current : 'set');
    if (state.previous && !command.reveal) say(`previous token valid until ${new Date(state.previous.validUntil).toISOString()}`);
    return EXIT_OK;
  } finally {
    store.close();
  }
}

function optionsClear(command: Extract<Command, { kind: 'options-clear' }>): number {
  if (command.name === ADMIN_KEY_OPTION) return adminKeyGetOrClear(command);
  const config = buildServerConfig(command.flags);
  const store = OptionsStore.open({ dataDir: config.dataDir, keyFile: config.keyFile, create: false });
  try {
    say(store.clearAgentToken() ? `${command.name} cleared` : `${command.name} was not set`);
    return EXIT_OK;
  } finally {
    store.close();
  }
}

async function run(argv: readonly string[]): Promise<number> {
  const command = parseCommandLine(argv);
  switch (command.kind) {
    case 'help':
      say(USAGE);
      return EXIT_OK;
    case 'serve':
      return serve(command);
    case 'options-set':
      return optionsSet(command);
    case 'options-get':
      return optionsGet(command);
    case 'options-clear':
      return optionsClear(command);
    default:
      return assertNever(command, 'command');
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    if (err instanceof AgentDeskError) {
      complain(`${err.message} [${err.code}]`);
      if (showsUsage(err.code)) process.stderr.write(`\n${USAGE}\n`);
      return exitCodeFor(err.code);
    }
    complain(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return EXIT_UNEXPECTED;
  }
}

process.exit(await main(process.argv.slice(2)));

