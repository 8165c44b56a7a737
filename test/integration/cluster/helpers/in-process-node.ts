// A cluster node started in this test process the way `agentdesk-server serve` starts one: the
// same config file read and built by the CLI's own functions, the shared PostgreSQL stores and
// Redis link opened by `openSharedStores`, then `startServer`. It exists for what a child process
// cannot be given: the test-only limit overrides (e.g. no OIDC clock tolerance, so a token that
// expires in 6 s ends its socket in 6 s, not 36 s).
import { join } from 'node:path';
import type { StartServerInternals } from '../../../../server/app.js';
import { startServer } from '../../../../server/app.js';
import { buildClusterConfig } from '../../../../server/cluster/cluster-config.js';
import { openSharedStores } from '../../../../server/cluster/open-shared-stores.js';
import { buildServerConfig } from '../../../../server/config/build-server-config.js';
import { readConfigFile } from '../../../../server/config/config-file.js';
import type { RunningServer } from '../../../../server/types.js';
import { capturedLogger, type LogLine } from '../../server/net-helpers/captured-logger.js';
import type { ClusterFixture } from './cluster-nodes.js';

export interface InProcessNode {
  readonly name: string;
  readonly url: string;
  readonly server: RunningServer;
  /** This node's log lines so far (to print when a test fails). */
  logs(): LogLine[];
  close(): Promise<void>;
}

export async function startInProcessNode(cluster: ClusterFixture, name: string, internals: StartServerInternals = {}): Promise<InProcessNode> {
  const file = readConfigFile(cluster.configFile);
  const config = buildServerConfig({ dataDir: join(cluster.root, `node-${name}`), host: '127.0.0.1', port: 0, configFile: cluster.configFile }, file);
  const clusterConfig = buildClusterConfig(file, { AGENTDESK_NODE_NAME: name });
  if (clusterConfig.postgresUrl === null || clusterConfig.redisUrl === null) throw new Error('the fixture config names no Redis or PostgreSQL');
  const log = capturedLogger();
  const stores = await openSharedStores({ ...clusterConfig, postgresUrl: clusterConfig.postgresUrl }, config.keyFile, log.logger);
  let server: RunningServer;
  try {
    server = await startServer(
      { config, agentToken: stores.agentToken, logger: log.logger, audit: stores.audit, adminKey: stores.adminKey, unavailable: () => stores.unavailable(), cluster: { link: stores.redis!, node: clusterConfig.nodeName } },
      internals,
    );
  } catch (err) {
    await stores.close();
    throw err;
  }
  return {
    name,
    url: server.url,
    server,
    logs: log.lines,
    async close() {
      await server.close();
      await stores.close();
    },
  };
}
