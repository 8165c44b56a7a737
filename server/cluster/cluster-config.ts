// Cluster mode settings: the shared Redis (live state, limits, notifications, cross-node relay)
// and the shared PostgreSQL (options, admin key, audit). From the config file's `cluster.redis`
// and `store.postgres`, or from AGENTDESK_REDIS_URL / AGENTDESK_POSTGRES_URL, which win, so a
// password can stay out of files. With neither, the server runs on its data dir's SQLite as before.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AgentDeskError } from '../../common/errors.js';
import { connectionUrlSchema, type ConfigFileValues } from '../config/config-file.js';

export const REDIS_URL_ENV = 'AGENTDESK_REDIS_URL';
export const POSTGRES_URL_ENV = 'AGENTDESK_POSTGRES_URL';
export const NODE_NAME_ENV = 'AGENTDESK_NODE_NAME';

export interface ClusterConfig {
  /** redis://… when the node is part of a cluster; null: one process, sessions in memory. */
  readonly redisUrl: string | null;
  /** postgres://… for the options, admin key and audit; null: the data dir's SQLite. */
  readonly postgresUrl: string | null;
  /** This process among the nodes (logs, audit rows, which node holds a socket). Unique per run. */
  readonly nodeName: string;
}

const redisUrl = connectionUrlSchema(['redis:', 'rediss:'], 'redis://host:6379');
const postgresUrl = connectionUrlSchema(['postgres:', 'postgresql:'], 'postgres://user@host:5432/agentdesk');

function fromEnv(env: NodeJS.ProcessEnv, name: string, schema: typeof redisUrl): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AgentDeskError('SERVER_CONFIG_INVALID', `environment variable ${name} ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  return parsed.data;
}

export function buildClusterConfig(file: ConfigFileValues, env: NodeJS.ProcessEnv = process.env): ClusterConfig {
  const redis = fromEnv(env, REDIS_URL_ENV, redisUrl) ?? file.cluster?.redis ?? null;
  const postgres = fromEnv(env, POSTGRES_URL_ENV, postgresUrl) ?? file.store?.postgres ?? null;
  if (redis !== null && postgres === null) {
    // Nodes sharing live sessions must share the agent token and the audit trail too.
    throw new AgentDeskError('SERVER_CONFIG_INVALID', `cluster.redis needs store.postgres (or ${POSTGRES_URL_ENV}): the nodes of a cluster share their options and audit in PostgreSQL`);
  }
  const nodeName = env[NODE_NAME_ENV]?.trim() || `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  return { redisUrl: redis, postgresUrl: postgres, nodeName };
}

export function isClusterMode(config: ClusterConfig): boolean {
  return config.redisUrl !== null;
}
