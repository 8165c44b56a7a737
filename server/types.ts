// The seams inside the server: configuration, the agent-token source the policy reads, and the
// handle a started server returns. server/cli.ts wires the store to the network side through these.
import type { Logger } from 'pino';
import type { ErrorCode } from '../common/errors.js';
import type { RedisLink } from './cluster/redis-link.js';
import type { AdminKeyCheck } from './store/admin-key-store.js';
import type { AuditLog } from './store/audit-store.js';
import type { OperatorLimits, TlsFiles } from './config/config-file.js';

export type AgentAuthPolicy = 'compatible' | 'required';

export interface OidcConfig {
  /** Issuer URL; its discovery document gives the JWKS. */
  readonly issuer: string;
  /** Expected `aud` of agents' access tokens. */
  readonly audience: string;
  /** When set, the token's `client_id` (RFC 9068) or `azp` must be one of these (AgentDesk's client). */
  readonly clientIds?: readonly string[];
  /** When true, the JWT header must say `typ: at+jwt` (RFC 9068); otherwise it is checked only when it names another kind. */
  readonly requireAtJwt?: boolean;
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** Path of the AES key file; default `<dataDir>/options.key`. */
  readonly keyFile: string;
  readonly agentAuth: AgentAuthPolicy;
  /** Per-agent identity: when set, agents must also present a Bearer access token. */
  readonly oidc: OidcConfig | null;
  /** Origins allowed to open /cobrowse/customer and POST /cobrowse/rest/sessions. */
  readonly customerOrigins: readonly string[];
  /**
   * Origins (besides the session's customer origin) the agent's mirror may load images, fonts,
   * stylesheets and media from: the customer sites' CDNs. Every other address is not requested.
   */
  readonly assetOrigins?: readonly string[];
  /**
   * Proxies (addresses or CIDRs, IPv4 or IPv6) whose X-Forwarded-For is believed; none by default,
   * and then the client address is the socket's.
   */
  readonly trustedProxies?: readonly string[];
  /** PEM files for https/wss; null or absent: plain HTTP (loopback, behind a proxy, or --insecure-http). */
  readonly tls?: TlsFiles | null;
  /** On SIGTERM, drain this long at most before closing (RunningServer.drain); 0 or absent: none. */
  readonly drainSeconds?: number;
  /** The config file's capacity limits, over server/limits.ts's defaults. */
  readonly limits?: OperatorLimits;
}

/** What the agent-token policy needs to know at the moment an agent connects. */
export interface AgentTokenState {
  /** The configured token, or null when none is set. */
  readonly current: string | null;
  /** The previous token while a rotation grace runs. */
  readonly previous: { readonly token: string; readonly validUntil: number } | null;
}

/** The options store's live view of `slave.password`, refreshed within one second of a change. */
export interface AgentTokenSource {
  state(): AgentTokenState;
  /** Called after every change is picked up (set, clear, rotation, grace end). Returns unsubscribe. */
  onChange(listener: (state: AgentTokenState) => void): () => void;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8700 */
  readonly url: string;
  readonly port: number;
  /**
   * Drain: /readyz answers 503 and new sessions and sockets are refused while the listener stays
   * open (load balancers read the 503 and send new work elsewhere); resolves once this node holds
   * no session or after `deadlineMs`. On a cluster node close() then hands sessions to the others.
   */
  drain(deadlineMs: number): Promise<void>;
  /** Stops accepting, closes sockets with 1001, drains, resolves when done. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  readonly config: ServerConfig;
  readonly agentToken: AgentTokenSource;
  readonly logger: Logger;
  /** Where the audit trail goes (the CLI passes the data dir's database); default: in memory. */
  readonly audit?: AuditLog;
  /** Checks the administrator key of the history endpoint; default: none set (403). */
  readonly adminKey?: AdminKeyCheck;
  /**
   * Cluster mode: why this node cannot take new sessions now (Redis away), or null. /readyz
   * answers 503 with the code and session creation is refused with it. Default: always able.
   */
  readonly unavailable?: () => ErrorCode | null;
  /**
   * One node: SERVER_DATABASE_GONE once the database file went missing or was replaced
   * (store/database-watch.ts), else null. Refuses new sessions, agent joins by code and /readyz
   * with the code; live sessions, their sockets and resumes go on. Default: never.
   */
  readonly storeProblem?: () => ErrorCode | null;
  /** Cluster mode: this node's Redis link and name; sockets for sessions homed elsewhere are relayed. */
  readonly cluster?: { readonly link: RedisLink; readonly node: string };
  /** Log lines dropped so far by an asynchronous log destination (for /metrics). */
  readonly logDrops?: () => number;
}
