// Builds the ServerConfig from command-line flags and the optional config file: flags win over
// the file, the file over the defaults.
import { join, resolve } from 'node:path';
import type { ServerConfig } from '../types.js';
import { readConfigFile, type ConfigFileValues } from './config-file.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8700;
export const KEY_FILE_NAME = 'options.key';

export interface ConfigFlags {
  readonly dataDir: string;
  readonly host?: string;
  readonly port?: number;
  readonly configFile?: string;
}

/** `http://host:port` as a browser writes it; IPv6 addresses get brackets. */
export function httpOrigin(host: string, port: number): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return new URL(`http://${bracketed}:${port}`).origin;
}

// A wildcard address is not a place a browser loads pages from.
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * Customer origins: the server's own origin (so pages it serves itself can start sessions) plus
 * the configured ones. With port 0 or a wildcard host the own origin is unknown here and only the
 * configured list applies.
 */
export function customerOriginsFor(host: string, port: number, configured: readonly string[]): string[] {
  const own = port !== 0 && !WILDCARD_HOSTS.has(host) ? [httpOrigin(host, port)] : [];
  return [...new Set([...own, ...configured])];
}

export function buildServerConfig(flags: ConfigFlags, file: ConfigFileValues = flags.configFile ? readConfigFile(flags.configFile) : {}): ServerConfig {
  const dataDir = resolve(flags.dataDir);
  const host = flags.host ?? file.host ?? DEFAULT_HOST;
  const port = flags.port ?? file.port ?? DEFAULT_PORT;
  return {
    host,
    port,
    dataDir,
    keyFile: file.keyFile ?? join(dataDir, KEY_FILE_NAME),
    agentAuth: file.agentAuth ?? 'compatible',
    oidc: file.oidc ?? null,
    customerOrigins: customerOriginsFor(host, port, file.customerOrigins ?? []),
    assetOrigins: file.assetOrigins ?? [],
  };
}
