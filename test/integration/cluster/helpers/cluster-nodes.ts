// Real agentdesk-server processes as cluster nodes: each its own data dir, all sharing one config
// (Redis, PostgreSQL, the key file, agentAuth) like machines deployed from one template.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OperatorLimits } from '../../../../server/config/config-file.js';
import { runCli, startServerProcess, type CliResult, type ServerProcess } from '../../server/helpers/server-process.js';

export const CUSTOMER_ORIGIN = 'https://shop.example.test';

export interface ClusterFixture {
  readonly root: string;
  readonly configFile: string;
  /** Starts one more node on a free port (or `port`, to come back where a killed node was). */
  startNode(name: string, port?: number): Promise<ServerProcess>;
  /** `agentdesk-server options …` with the cluster's config, as an operator runs it on any machine. */
  cli(args: readonly string[], input?: string): Promise<CliResult>;
  cleanup(): void;
}

export interface ClusterSettings {
  readonly redisUrl: string;
  readonly postgresUrl: string;
  readonly agentAuth?: 'compatible' | 'required';
  /** Agents also present an access token from this issuer (the config file's `oidc`). */
  readonly oidc?: { readonly issuer: string; readonly audience: string };
  /** The config file's capacity limits (the bench raises them: its load comes from few addresses). */
  readonly limits?: OperatorLimits;
}

export function clusterFixture(settings: ClusterSettings): ClusterFixture {
  const root = mkdtempSync(join(tmpdir(), 'agentdesk-cluster-'));
  const configFile = join(root, 'cluster.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      agentAuth: settings.agentAuth ?? 'required',
      customerOrigins: [CUSTOMER_ORIGIN],
      // One key file for every node: the copy each machine would have.
      keyFile: join(root, 'options.key'),
      cluster: { redis: settings.redisUrl },
      store: { postgres: settings.postgresUrl },
      ...(settings.oidc ? { oidc: settings.oidc } : {}),
      ...(settings.limits ? { limits: settings.limits } : {}),
    }),
  );
  return {
    root,
    configFile,
    startNode(name, port) {
      return startServerProcess({
        dataDir: join(root, `node-${name}`),
        args: ['--config', configFile, ...(port ? ['--port', String(port)] : [])],
        env: { AGENTDESK_NODE_NAME: name },
      });
    },
    cli(args, input) {
      return runCli([...args, '--data-dir', join(root, 'cli'), '--config', configFile], input === undefined ? {} : { input });
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
