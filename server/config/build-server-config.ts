// Builds the ServerConfig from command-line flags and the optional config file: flags win over
// the file, the file over the defaults.
import { join, resolve } from 'node:path';
import { AgentDeskError } from '../../common/errors.js';
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
  /** `--insecure-http`: plain HTTP on a non-loopback address without a trusted proxy in front. */
  readonly insecureHttp?: boolean;
}

/** `http://host:port` (or https) as a browser writes it; IPv6 addresses get brackets. */
export function httpOrigin(host: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return new URL(`${scheme}://${bracketed}:${port}`).origin;
}

/** Whether `host` names this machine only (127.0.0.0/8, ::1, localhost): plain HTTP there stays on the machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || /^::ffff:127\./.test(bare);
}

// A wildcard address is not a place a browser loads pages from.
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * Customer origins: the server's own origin (so pages it serves itself can start sessions) plus
 * the configured ones. With port 0 or a wildcard host the own origin is unknown here and only the
 * configured list applies.
 */
export function customerOriginsFor(host: string, port: number, configured: readonly string[], scheme: 'http' | 'https' = 'http'): string[] {
  const own = port !== 0 && !WILDCARD_HOSTS.has(host) ? [httpOrigin(host, port, scheme)] : [];
  return [...new Set([...own, ...configured])];
}

export function buildServerConfig(flags: ConfigFlags, file: ConfigFileValues = flags.configFile ? readConfigFile(flags.configFile) : {}): ServerConfig {
  const dataDir = resolve(flags.dataDir);
  const host = flags.host ?? file.host ?? DEFAULT_HOST;
  const port = flags.port ?? file.port ?? DEFAULT_PORT;
  const tls = file.tls ?? null;
  const trustedProxies = file.trustedProxies ?? [];
  // Plain HTTP off this machine carries the agent token and access tokens in clear, unless TLS
  // ends at a proxy in front (trustedProxies) or the operator says so out loud.
  if (!tls && trustedProxies.length === 0 && !flags.insecureHttp && !isLoopbackHost(host)) {
    throw new AgentDeskError(
      'SERVER_PLAIN_HTTP_REFUSED',
      `plain HTTP on ${host} would carry agents' tokens in clear: set "tls" (cert and key) in the config file, list the TLS-terminating proxy in "trustedProxies", or pass --insecure-http`,
    );
  }
  return {
    host,
    port,
    dataDir,
    keyFile: file.keyFile ?? join(dataDir, KEY_FILE_NAME),
    agentAuth: file.agentAuth ?? 'compatible',
    oidc: file.oidc ?? null,
    customerOrigins: customerOriginsFor(host, port, file.customerOrigins ?? [], tls ? 'https' : 'http'),
    assetOrigins: file.assetOrigins ?? [],
    trustedProxies,
    tls,
    drainSeconds: file.drainSeconds ?? 0,
    ...(file.limits ? { limits: file.limits } : {}),
  };
}
