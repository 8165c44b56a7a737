// The optional JSON config file (`--config FILE`). Parsed with zod at the edge: unknown keys are
// refused, and every error names the file and the field so an operator can fix it in one go.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { AgentDeskError } from '../../common/errors.js';
import { isValidProxyEntry } from '../http/client-address.js';
import { MAX_CONFIG_FILE_BYTES, MAX_DRAIN_SECONDS } from './limits.js';

/** The settings a config file may hold; all optional. Paths are resolved against the file's folder. */
export interface ConfigFileValues {
  readonly host?: string;
  readonly port?: number;
  readonly keyFile?: string;
  readonly agentAuth?: 'compatible' | 'required';
  readonly oidc?: { readonly issuer: string; readonly audience: string; readonly clientIds?: readonly string[]; readonly requireAtJwt?: boolean } | null;
  readonly customerOrigins?: readonly string[];
  /** Cluster mode (issue 14): the shared Redis; see server/cluster/cluster-config.ts. */
  readonly cluster?: { readonly redis?: string | undefined };
  /** The shared durable store (issue 14): PostgreSQL instead of the data dir's SQLite. */
  readonly store?: { readonly postgres?: string | undefined };
  readonly assetOrigins?: readonly string[];
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For is believed (server/http/client-address.ts). */
  readonly trustedProxies?: readonly string[];
  /** PEM files: https and wss instead of plain HTTP (server/http/tls-files.ts). */
  readonly tls?: TlsFiles;
  /** On SIGTERM, how long /readyz answers 503 with the listener open while sessions may finish. */
  readonly drainSeconds?: number;
  /** The capacity limits an operator sizes for the site (docs/DEPLOYMENT.md); the rest stay fixed. */
  readonly limits?: OperatorLimits;
}

/**
 * The limits an operator may raise or lower: capacity that depends on the deployment (agents behind
 * one NAT, customers per minute at the peak, sessions per node). Defaults and reasons are in
 * server/limits.ts; the protective limits (frame sizes, timeouts, guessing) are not configurable.
 */
export interface OperatorLimits {
  readonly maxOpenConnections?: number;
  readonly maxConnectionsPerAddress?: number;
  readonly maxPreHelloSockets?: number;
  readonly sessionCreatesPerWindow?: number;
  readonly sessionCreatesTotalPerWindow?: number;
  readonly maxLiveSessions?: number;
}

/** Upper bounds for the operator's limits: past them a typo (an extra zero or three) is likelier than a plan. */
const OPERATOR_LIMIT_MAX = {
  maxOpenConnections: 1_000_000,
  maxConnectionsPerAddress: 1_000_000,
  maxPreHelloSockets: 1_000_000,
  sessionCreatesPerWindow: 1_000_000,
  sessionCreatesTotalPerWindow: 10_000_000,
  maxLiveSessions: 1_000_000,
} as const satisfies Record<keyof OperatorLimits, number>;

function operatorLimit(max: number) {
  const error = `must be a whole number from 1 to ${max}`;
  return z.number({ error }).int({ error }).min(1, { error }).max(max, { error }).optional();
}

/** Paths of PEM files, resolved against the config file's folder. */
export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  /** Intermediate certificates to send along (the chain up to the public root), or a private CA. */
  readonly ca?: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `https://host[:port]` exactly as a browser sends it in the Origin header, or null. */
export function normalizeOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  // The URL parser forgives blanks and backslashes; an origin with them is a typo, not an origin.
  if (/[\s\\]/.test(value) || url.hostname === '') return null;
  // Lower-case host, default port dropped, no trailing slash: exactly what a browser sends.
  return url.origin;
}

export const hostSchema = z
  .string({ error: 'must be a host name or IP address' })
  .min(1, { error: 'must be a host name or IP address' })
  .max(253, { error: 'must be a host name or IP address' })
  .regex(/^[A-Za-z0-9.:_-]+$/, { error: 'must be a host name or IP address' });

export const portSchema = z
  .number({ error: 'must be a whole number from 0 to 65535' })
  .int({ error: 'must be a whole number from 0 to 65535' })
  .min(0, { error: 'must be a whole number from 0 to 65535' })
  .max(65535, { error: 'must be a whole number from 0 to 65535' });

const originSchema = z
  .string({ error: 'must be an origin like https://shop.example.com' })
  .refine((v) => normalizeOrigin(v) !== null, { error: 'must be an origin like https://shop.example.com (scheme, host and optional port; no path)' })
  .transform((v) => normalizeOrigin(v)!);

const issuerSchema = z.string({ error: 'must be an https URL' }).refine(
  (v) => {
    try {
      const url = new URL(v);
      // Plain http only for an issuer on this machine (development and tests).
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
    } catch {
      return false;
    }
  },
  { error: 'must be an https URL (http only on 127.0.0.1, localhost or [::1])' },
);

/** A connection string of one of `protocols`; the error never repeats it (it may hold a password). */
export function connectionUrlSchema(protocols: readonly string[], example: string) {
  const error = `must be a URL like ${example}`;
  return z.string({ error }).refine((v) => {
    try {
      const url = new URL(v);
      return protocols.includes(url.protocol) && url.hostname !== '';
    } catch {
      return false;
    }
  }, { error });
}

const configFileSchema = z
  .object({
    host: hostSchema.optional(),
    port: portSchema.optional(),
    keyFile: z.string({ error: 'must be a file path' }).min(1, { error: 'must be a file path' }).optional(),
    agentAuth: z.enum(['compatible', 'required'], { error: 'must be "compatible" or "required"' }).optional(),
    oidc: z
      .object(
        {
          issuer: issuerSchema,
          audience: z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' }),
          clientIds: z.array(z.string().min(1).max(256), { error: 'must be a list of client IDs' }).min(1, { error: 'must list at least one client ID' }).max(20).optional(),
          requireAtJwt: z.boolean({ error: 'must be true or false' }).optional(),
        },
        { error: 'must be an object with issuer and audience, or null' },
      )
      .strict()
      .nullable()
      .optional(),
    customerOrigins: z.array(originSchema, { error: 'must be a list of origins' }).optional(),
    cluster: z.object({ redis: connectionUrlSchema(['redis:', 'rediss:'], 'redis://host:6379').optional() }, { error: 'must be an object like {"redis": "redis://host:6379"}' }).strict().optional(),
    store: z.object({ postgres: connectionUrlSchema(['postgres:', 'postgresql:'], 'postgres://user@host:5432/agentdesk').optional() }, { error: 'must be an object like {"postgres": "postgres://user@host/db"}' }).strict().optional(),
    assetOrigins: z.array(originSchema, { error: 'must be a list of origins' }).optional(),
    trustedProxies: z
      .array(
        z.string({ error: 'must be an IP address or CIDR like 10.0.0.0/8 or fd00::/8' }).max(64).refine(isValidProxyEntry, { error: 'must be an IP address or CIDR like 10.0.0.0/8 or fd00::/8' }),
        { error: 'must be a list of IP addresses or CIDRs' },
      )
      .max(1000, { error: 'must list at most 1000 entries' })
      .optional(),
    drainSeconds: z
      .number({ error: `must be a whole number of seconds from 0 to ${MAX_DRAIN_SECONDS}` })
      .int({ error: `must be a whole number of seconds from 0 to ${MAX_DRAIN_SECONDS}` })
      .min(0, { error: `must be a whole number of seconds from 0 to ${MAX_DRAIN_SECONDS}` })
      .max(MAX_DRAIN_SECONDS, { error: `must be a whole number of seconds from 0 to ${MAX_DRAIN_SECONDS}` })
      .optional(),
    limits: z
      .object(
        Object.fromEntries(Object.entries(OPERATOR_LIMIT_MAX).map(([name, max]) => [name, operatorLimit(max)])) as Record<keyof OperatorLimits, ReturnType<typeof operatorLimit>>,
        { error: 'must be an object like {"maxConnectionsPerAddress": 2000}' },
      )
      .strict()
      .optional(),
    tls: z
      .object(
        {
          cert: z.string({ error: 'must be the path of a PEM certificate file' }).min(1, { error: 'must be the path of a PEM certificate file' }),
          key: z.string({ error: 'must be the path of a PEM private key file' }).min(1, { error: 'must be the path of a PEM private key file' }),
          ca: z.string({ error: 'must be the path of a PEM file' }).min(1, { error: 'must be the path of a PEM file' }).optional(),
        },
        { error: 'must be an object like {"cert": "server.crt", "key": "server.key"}' },
      )
      .strict()
      .optional(),
  }, { error: 'must be a JSON object' })
  .strict();

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const where = fieldPath(issue.path);
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return where ? `${where} has unknown setting(s) ${keys}` : `unknown setting(s) ${keys}`;
  }
  const where = fieldPath(issue.path);
  return where ? `${where} ${issue.message}` : issue.message;
}

function invalid(file: string, detail: string, cause?: unknown): AgentDeskError {
  return new AgentDeskError('SERVER_CONFIG_INVALID', `${file}: ${detail}`, { cause });
}

/** Parses config file text; `file` is how the operator named the file, used in messages. */
export function parseConfigText(file: string, text: string): ConfigFileValues {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(file, `is not valid JSON (${err instanceof Error ? err.message : 'parse error'})`, err);
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) throw invalid(file, describeIssue(parsed.error.issues[0]!));
  const values = parsed.data;
  const near = (path: string): string => resolve(dirname(resolve(file)), path);
  return {
    ...values,
    ...(values.keyFile !== undefined ? { keyFile: near(values.keyFile) } : {}),
    ...(values.tls ? { tls: { cert: near(values.tls.cert), key: near(values.tls.key), ...(values.tls.ca ? { ca: near(values.tls.ca) } : {}) } } : {}),
  };
}

export function readConfigFile(file: string): ConfigFileValues {
  let text: string;
  try {
    if (statSync(file).size > MAX_CONFIG_FILE_BYTES) throw invalid(file, `is larger than ${MAX_CONFIG_FILE_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof AgentDeskError) throw err;
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'error';
    throw invalid(file, `cannot be read (${code})`, err);
  }
  return parseConfigText(file, text);
}
