// The agentdesk-server command line, parsed at the edge into one Command. Anything it does not
// know (command, option name, flag, flag value) is an AgentDeskError SERVER_USAGE (or
// SERVER_OPTION_UNKNOWN): the CLI exits 64 with the usage text.
import { parseArgs } from 'node:util';
import { AgentDeskError } from '../../common/errors.js';
import { MAX_GRACE_SECONDS } from './limits.js';
import { hostSchema } from './config-file.js';
import { isOptionName, type OptionName } from '../store/agent-token-option.js';
import type { ConfigFlags } from './build-server-config.js';

export const USAGE = `Usage:
  agentdesk-server [serve] --data-dir DIR [--host HOST] [--port PORT] [--config FILE] [--insecure-http]
  agentdesk-server options set slave.password TOKEN|- [--grace SECONDS] --data-dir DIR [--config FILE]
  agentdesk-server options get slave.password [--reveal] --data-dir DIR [--config FILE]
  agentdesk-server options clear slave.password --data-dir DIR [--config FILE]
  agentdesk-server options set|get|clear admin.apiKey [KEY|-] --data-dir DIR
  agentdesk-server --help

serve            Start the co-browse server (the default command). Prints
                 "Co-browse server: URL" on stdout, then JSON log lines.
options set      Store the agent token (26 digits), encrypted in DIR/agentdesk.db. Give - as
                 TOKEN to read it from stdin, so it stays out of shell history and ps:
                   agentdesk-server options set slave.password - --data-dir DIR < token.txt
                 --grace SECONDS keeps the replaced token valid that long (at most ${MAX_GRACE_SECONDS}).
options get      Print "set" or "not set"; --reveal prints the token itself.
options clear    Remove the agent token.
admin.apiKey     The administrator key of GET /cobrowse/rest/history/sessions/ID (sent as
                 Authorization: Bearer KEY): 32-128 characters A-Z a-z 0-9 . _ ~ -; only a salted
                 digest is stored, so "get" says "set" or "not set" and cannot reveal it.

--data-dir DIR   Where the database and the key file (options.key) live. Required.
--host HOST      Address to listen on (default 127.0.0.1).
--port PORT      Port to listen on (default 8700; 0 picks a free one).
--config FILE    JSON config file: host, port, keyFile, agentAuth, oidc, customerOrigins, assetOrigins,
                 trustedProxies, tls ({"cert", "key", "ca"}), drainSeconds. Flags override the file.
--insecure-http  Serve plain HTTP on a non-loopback host with no TLS and no trusted proxy
                 (tokens cross the network in clear; a warning is logged). See docs/DEPLOYMENT.md.

A running server picks up option changes within one second.
Exit status: 0 ok, 64 usage error, 78 configuration or data problem, 1 unexpected error.`;

function usageError(message: string): AgentDeskError {
  return new AgentDeskError('SERVER_USAGE', message);
}

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'serve'; readonly flags: ConfigFlags }
  | { readonly kind: 'options-set'; readonly name: OptionName; readonly value: string; readonly graceSeconds: number; readonly flags: ConfigFlags }
  | { readonly kind: 'options-get'; readonly name: OptionName; readonly reveal: boolean; readonly flags: ConfigFlags }
  | { readonly kind: 'options-clear'; readonly name: OptionName; readonly flags: ConfigFlags };

/** The value of `options set NAME -`: read the token from stdin. */
export const STDIN_VALUE = '-';

const FLAG_SPEC = {
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  config: { type: 'string' },
  grace: { type: 'string' },
  reveal: { type: 'boolean' },
  'insecure-http': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type FlagName = keyof typeof FLAG_SPEC;
type Flags = { [K in FlagName]?: (typeof FLAG_SPEC)[K]['type'] extends 'boolean' ? boolean : string };

function onlyFlags(flags: Flags, allowed: readonly FlagName[], command: string): void {
  for (const name of Object.keys(flags) as FlagName[]) {
    if (flags[name] !== undefined && !allowed.includes(name)) throw usageError(`--${name} is not a flag of "${command}"`);
  }
}

function wholeNumber(text: string, flag: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max) throw usageError(`--${flag} must be a whole number from 0 to ${max}`);
  return Number(text);
}

function configFlags(flags: Flags): ConfigFlags {
  const dataDir = flags['data-dir'];
  if (dataDir === undefined || dataDir === '') throw usageError('--data-dir DIR is required');
  let host: string | undefined;
  if (flags.host !== undefined) {
    if (!hostSchema.safeParse(flags.host).success) throw usageError('--host must be a host name or IP address');
    host = flags.host;
  }
  return {
    dataDir,
    ...(host !== undefined ? { host } : {}),
    ...(flags.port !== undefined ? { port: wholeNumber(flags.port, 'port', 65535) } : {}),
    ...(flags.config !== undefined ? { configFile: flags.config } : {}),
  };
}

function optionName(value: string | undefined): OptionName {
  if (value === undefined) throw usageError('an option name is required: slave.password or admin.apiKey');
  if (!isOptionName(value)) throw new AgentDeskError('SERVER_OPTION_UNKNOWN', `unknown option "${value}"; the server knows slave.password and admin.apiKey`);
  return value;
}

export function parseCommandLine(argv: readonly string[]): Command {
  let parsed: { values: Flags; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: FLAG_SPEC, strict: true, allowPositionals: true });
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : 'the command line cannot be parsed');
  }
  const { values: flags, positionals } = parsed;
  if (flags.help) return { kind: 'help' };
  const [command = 'serve', sub, name, value, ...extra] = positionals;
  switch (command) {
    case 'serve': {
      if (positionals.length > 1) throw usageError(`"serve" takes no arguments, got "${positionals[1]}"`);
      onlyFlags(flags, ['data-dir', 'host', 'port', 'config', 'insecure-http'], 'serve');
      return { kind: 'serve', flags: { ...configFlags(flags), ...(flags['insecure-http'] ? { insecureHttp: true } : {}) } };
    }
    case 'options': {
      const common = ['data-dir', 'config'] as const;
      switch (sub) {
        case 'set': {
          onlyFlags(flags, [...common, 'grace'], 'options set');
          const option = optionName(name);
          if (value === undefined) throw usageError('options set needs a value, or - to read it from stdin');
          if (extra.length > 0) throw usageError('options set takes one value; a token has no spaces');
          const graceSeconds = flags.grace === undefined ? 0 : wholeNumber(flags.grace, 'grace', MAX_GRACE_SECONDS);
          return { kind: 'options-set', name: option, value, graceSeconds, flags: configFlags(flags) };
        }
        case 'get':
        case 'clear': {
          onlyFlags(flags, sub === 'get' ? [...common, 'reveal'] : common, `options ${sub}`);
          const option = optionName(name);
          if (value !== undefined) throw usageError(`options ${sub} takes only the option name`);
          return sub === 'get'
            ? { kind: 'options-get', name: option, reveal: flags.reveal === true, flags: configFlags(flags) }
            : { kind: 'options-clear', name: option, flags: configFlags(flags) };
        }
        case undefined:
          throw usageError('options needs a command: set, get or clear');
        default:
          throw usageError(`unknown options command "${sub}"; use set, get or clear`);
      }
    }
    default:
      throw usageError(`unknown command "${command}"`);
  }
}
