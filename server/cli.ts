// agentdesk-server: `serve` starts the co-browse server on its data dir; `options set|get|clear`
// manage the encrypted agent token in the same data dir, also while a server runs (it picks the
// change up within one second), but never on a database file the running server no longer has
// open (store/server-lock.ts). Exit statuses: server/config/exit-codes.ts.
import { existsSync, statSync } from 'node:fs';
import type { Logger } from 'pino';
import { AgentDeskError } from '../common/errors.js';
import { startServer } from './app.js';
import { tuneGcForRelay } from './runtime/gc-tuning.js';
import type { ErrorCode } from '../common/errors.js';
import { buildClusterConfig } from './cluster/cluster-config.js';
import { openSharedStores } from './cluster/open-shared-stores.js';
import type { RedisLink } from './cluster/redis-link.js';
import { openSharedOptions, type SharedOptions } from './cluster/shared-options-commands.js';
import { buildServerConfig, type ConfigFlags } from './config/build-server-config.js';
import { readConfigFile } from './config/config-file.js';
import { EXIT_OK, EXIT_UNEXPECTED, exitCodeFor, showsUsage } from './config/exit-codes.js';
import { storageError, systemErrorCode } from './config/system-error.js';
import { SHUTDOWN_TIMEOUT_MS } from './config/limits.js';
import { STDIN_VALUE, USAGE, parseCommandLine, type Command } from './config/parse-command-line.js';
import { readStdinToken } from './config/read-stdin-token.js';
import { assertNever } from '../common/assert-never.js';
import { createLogger } from './log/create-logger.js';
import { createLogDestination } from './log/log-destination.js';
import { maskDigitRuns } from './log/redact.js';
import { ADMIN_KEY_OPTION, AdminKeyStore, adminKeyProblem, type AdminKeyCheck } from './store/admin-key-store.js';
import { AGENT_TOKEN_OPTION, agentTokenProblem } from './store/agent-token-option.js';
import { AuditStore, type AuditLog } from './store/audit-store.js';
import { startLiveAgentTokenSource, type LiveAgentTokenSource } from './store/live-agent-token-source.js';
import { OptionsStore } from './store/options-store.js';
import { identityOf, watchDatabaseFile, type DatabaseWatch } from './store/database-watch.js';
import { databasePath } from './store/open-database.js';
import { assertDatabaseServed, hasServerLock, removeServerLock, writeServerLock } from './store/server-lock.js';
import type { AgentTokenState, RunningServer, ServerConfig } from './types.js';

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

/**
 * Under `compatible` a server with no agent token admits every agent without the shared token, as
 * Genesys documents; that is the demo's and a first start's state, but after a lost database it
 * is a silent downgrade, so it is said out loud at start and whenever the token is cleared.
 */
function warnIfAgentsUnauthenticated(state: AgentTokenState, config: ServerConfig, logger: Logger): void {
  if (state.current !== null || config.agentAuth !== 'compatible') return;
  const admitted = config.oidc ? 'agents are admitted on their sign-in alone, without the shared agent token' : 'agents are admitted without any authentication';
  logger.warn(
    { option: AGENT_TOKEN_OPTION, agentAuth: config.agentAuth, dataDir: config.dataDir },
    `no agent token is set (option ${AGENT_TOKEN_OPTION}) and agentAuth is "compatible": ${admitted}. Set one with: agentdesk-server options set ${AGENT_TOKEN_OPTION} - --data-dir ${config.dataDir}, or set "agentAuth": "required" in the config file`,
  );
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

/** The options, admin key and audit `serve` runs on: the data dir's SQLite, as on one node. */
function openLocalStores(config: ServerConfig, logger: Logger): ServeStores {
  const dbPath = databasePath(config.dataDir);
  const earlierStart = !existsSync(dbPath) && existsSync(config.keyFile);
  const store = OptionsStore.open({ dataDir: config.dataDir, keyFile: config.keyFile, create: true });
  // Their own connections to the same database file (WAL lets them write while the options poll).
  const audit = AuditStore.open(config.dataDir);
  const adminKeys = AdminKeyStore.open(config.dataDir, true);
  let watch: DatabaseWatch | null = null;
  const closeAll = (): void => {
    watch?.close();
    removeServerLock(config.dataDir);
    store.close();
    audit.close();
    adminKeys.close();
  };
  try {
    if (earlierStart) {
      logger.warn(
        { path: dbPath, keyFile: config.keyFile },
        `the database ${dbPath} did not exist and was made empty, but the key file ${config.keyFile} is from an earlier start: the options, administrator key and audit trail kept before are not in it`,
      );
    }
    const opened = identityOf(statSync(dbPath, { bigint: true }));
    writeServerLock(config.dataDir, opened);
    // The lock tells the CLI which file this server reads; an emptied data dir gets it back.
    const keepLock = (): void => {
      try {
        if (!hasServerLock(config.dataDir)) writeServerLock(config.dataDir, opened);
      } catch (err) {
        logger.warn({ reason: systemErrorCode(err) ?? 'error', path: config.dataDir }, 'cannot put the server lock back in the data dir');
      }
    };
    watch = watchDatabaseFile({ path: dbPath, opened, logger, onCheck: keepLock });
    const databaseWatch = watch;
    const source = startLiveAgentTokenSource(store, logger);
    return {
      agentToken: source,
      audit,
      adminKey: (key) => adminKeys.verify(key),
      unavailable: () => null,
      storeProblem: () => databaseWatch.problem(),
      close: async () => {
        source.close();
        closeAll();
      },
    };
  } catch (err) {
    closeAll();
    throw err;
  }
}

interface ServeStores {
  readonly agentToken: LiveAgentTokenSource;
  /** Cluster mode's Redis link (sessions relayed across nodes); null on one node. */
  readonly redis?: RedisLink | null;
  readonly audit: AuditLog;
  readonly adminKey: AdminKeyCheck;
  unavailable(): ErrorCode | null;
  /** One node: SERVER_DATABASE_GONE once the database file went missing or was replaced. */
  storeProblem?(): ErrorCode | null;
  close(): Promise<void>;
}

async function serve(command: Extract<Command, { kind: 'serve' }>): Promise<number> {
  tuneGcForRelay();
  const file = command.flags.configFile ? readConfigFile(command.flags.configFile) : {};
  const config = buildServerConfig(command.flags, file);
  const cluster = buildClusterConfig(file);
  // Asynchronous: a slow log reader never blocks the relay; what it cannot take is dropped and counted.
  const logOut = createLogDestination();
  const logger = createLogger({ destination: logOut.stream });
  const stores: ServeStores =
    cluster.postgresUrl !== null ? await openSharedStores({ ...cluster, postgresUrl: cluster.postgresUrl }, config.keyFile, logger) : openLocalStores(config, logger);
  const source = stores.agentToken;
  let running: RunningServer | undefined;
  try {
    logger.info({ option: AGENT_TOKEN_OPTION, ...describeState(source.state()), agentAuth: config.agentAuth, dataDir: config.dataDir }, 'options store opened');
    warnIfAgentsUnauthenticated(source.state(), config, logger);
    source.onChange((state) => {
      logger.info({ option: AGENT_TOKEN_OPTION, ...describeState(state) }, `option ${AGENT_TOKEN_OPTION} changed`);
      warnIfAgentsUnauthenticated(state, config, logger);
    });
    const stopped = firstSignal(logger);
    try {
      running = await startServer({ config, agentToken: source, logger, audit: stores.audit, adminKey: stores.adminKey, unavailable: () => stores.unavailable(), storeProblem: () => stores.storeProblem?.() ?? null, logDrops: () => logOut.drops().lines, ...(stores.redis ? { cluster: { link: stores.redis, node: cluster.nodeName } } : {}) });
    } catch (err) {
      throw listenError(err, config.host, config.port) ?? err;
    }
    // Through the log's stream, so the line is never spliced into a half-written log line.
    logOut.stream.write(`Co-browse server: ${running.url}\n`);
    const signal = await stopped;
    logger.info({ signal }, 'shutting down');
    if ((config.drainSeconds ?? 0) > 0) await running.drain((config.drainSeconds ?? 0) * 1000);
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS, 'timeout').unref());
    if ((await Promise.race([running.close().then(() => 'closed' as const), timeout])) === 'timeout') {
      logger.warn({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown did not finish in time; exiting anyway');
    }
    logger.info('stopped');
    return EXIT_OK;
  } finally {
    await stores.close();
    await logOut.flush();
  }
}

/** The PostgreSQL options of a cluster when the config names one, else null (the data dir's SQLite). */
async function sharedOptionsFor(flags: ConfigFlags, create: boolean): Promise<{ options: SharedOptions; config: ServerConfig } | null> {
  const file = flags.configFile ? readConfigFile(flags.configFile) : {};
  const cluster = buildClusterConfig(file);
  if (cluster.postgresUrl === null) return null;
  const config = buildServerConfig(flags, file);
  return { options: await openSharedOptions({ ...cluster, postgresUrl: cluster.postgresUrl }, config.keyFile, create, complain), config };
}

/**
 * The config of a command on the data dir's own database: refused (SERVER_DATABASE_GONE) when a
 * server runs there on a database file that is no longer at the path, so no new one is made.
 */
function localDataDir(flags: ConfigFlags): ServerConfig {
  const config = buildServerConfig(flags);
  assertDatabaseServed(config.dataDir);
  return config;
}

async function adminKeySet(command: Extract<Command, { kind: 'options-set' }>): Promise<number> {
  if (command.graceSeconds > 0) throw new AgentDeskError('SERVER_USAGE', `--grace applies to ${AGENT_TOKEN_OPTION} only`);
  const value = command.value === STDIN_VALUE ? await readStdinToken(process.stdin) : command.value;
  const problem = adminKeyProblem(value);
  if (problem) throw new AgentDeskError('SERVER_ADMIN_KEY_INVALID', `${problem}. The stored value was not changed.`);
  const shared = await sharedOptionsFor(command.flags, true);
  if (shared) {
    try {
      await shared.options.setAdminKey(value);
      say(`${ADMIN_KEY_OPTION} set`);
      return EXIT_OK;
    } finally {
      await shared.options.close();
    }
  }
  const config = localDataDir(command.flags);
  const keys = AdminKeyStore.open(config.dataDir, true);
  try {
    keys.set(value);
    say(`${ADMIN_KEY_OPTION} set`);
    return EXIT_OK;
  } finally {
    keys.close();
  }
}

async function adminKeyGetOrClear(command: Extract<Command, { kind: 'options-get' | 'options-clear' }>): Promise<number> {
  if (command.kind === 'options-get' && command.reveal) {
    throw new AgentDeskError('SERVER_USAGE', `${ADMIN_KEY_OPTION} is stored as a digest only: it cannot be revealed`);
  }
  const shared = await sharedOptionsFor(command.flags, false);
  if (shared) {
    try {
      if (command.kind === 'options-get') say((await shared.options.adminKeyIsSet()) ? 'set' : 'not set');
      else say((await shared.options.clearAdminKey()) ? `${ADMIN_KEY_OPTION} cleared` : `${ADMIN_KEY_OPTION} was not set`);
      return EXIT_OK;
    } finally {
      await shared.options.close();
    }
  }
  const config = localDataDir(command.flags);
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
  const shared = await sharedOptionsFor(command.flags, true);
  const config = shared?.config ?? localDataDir(command.flags);
  const store = shared ? null : OptionsStore.open({ dataDir: config.dataDir, keyFile: config.keyFile, create: true });
  try {
    const { previousValidUntil } = shared
      ? await shared.options.setAgentToken(value, command.graceSeconds)
      : store!.setAgentToken(value, { graceSeconds: command.graceSeconds });
    say(
      previousValidUntil === null
        ? `${command.name} set`
        : `${command.name} set; the previous token stays valid until ${new Date(previousValidUntil).toISOString()}`,
    );
    return EXIT_OK;
  } finally {
    store?.close();
    await shared?.options.close();
  }
}

async function optionsGet(command: Extract<Command, { kind: 'options-get' }>): Promise<number> {
  if (command.name === ADMIN_KEY_OPTION) return adminKeyGetOrClear(command);
  const shared = await sharedOptionsFor(command.flags, false);
  const config = shared?.config ?? localDataDir(command.flags);
  const store = shared ? null : OptionsStore.open({ dataDir: config.dataDir, keyFile: config.keyFile, create: false });
  try {
    const state = shared ? await shared.options.readAgentToken() : store!.readAgentToken();
    if (state.current === null) say('not set');
    else say(command.reveal ? state.current : 'set');
    if (state.previous && !command.reveal) say(`previous token valid until ${new Date(state.previous.validUntil).toISOString()}`);
    return EXIT_OK;
  } finally {
    store?.close();
    await shared?.options.close();
  }
}

async function optionsClear(command: Extract<Command, { kind: 'options-clear' }>): Promise<number> {
  if (command.name === ADMIN_KEY_OPTION) return adminKeyGetOrClear(command);
  const shared = await sharedOptionsFor(command.flags, false);
  const config = shared?.config ?? localDataDir(command.flags);
  const store = shared ? null : OptionsStore.open({ dataDir: config.dataDir, keyFile: config.keyFile, create: false });
  try {
    const cleared = shared ? await shared.options.clearAgentToken() : store!.clearAgentToken();
    say(cleared ? `${command.name} cleared` : `${command.name} was not set`);
    return EXIT_OK;
  } finally {
    store?.close();
    await shared?.options.close();
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
    const storage = storageError(err);
    if (storage) {
      complain(`${storage.message} [${storage.code}]`);
      return exitCodeFor(storage.code);
    }
    // No stack trace for the operator; the code and message say what happened.
    const code = systemErrorCode(err);
    complain(`unexpected error: ${err instanceof Error ? err.message.slice(0, 500) : 'unknown'}${code ? ` (${code})` : ''} [SERVER_INTERNAL_ERROR]`);
    return EXIT_UNEXPECTED;
  }
}

process.exit(await main(process.argv.slice(2)));

