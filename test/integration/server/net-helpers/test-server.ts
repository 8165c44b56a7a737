import { startServer, type StartServerInternals } from '../../../../server/app.js';
import type { AdminKeyCheck } from '../../../../server/store/admin-key-store.js';
import type { RunningServer, ServerConfig } from '../../../../server/types.js';
import { capturedLogger } from './captured-logger.js';
import { MemoryTokenSource } from './memory-token-source.js';

export const CUSTOMER_ORIGIN = 'https://shop.example.test';

/** A config for the network side alone, on 127.0.0.1 and a free port: it never touches a data dir. */
export function networkConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    dataDir: '/nonexistent-not-used-by-the-network-side',
    keyFile: '/nonexistent-not-used-by-the-network-side/options.key',
    agentAuth: 'compatible',
    oidc: null,
    customerOrigins: [CUSTOMER_ORIGIN],
    ...overrides,
  };
}

export interface TestServer {
  readonly server: RunningServer;
  readonly tokens: MemoryTokenSource;
  readonly log: ReturnType<typeof capturedLogger>;
  readonly wsUrl: (path: string) => string;
  /** A clock the test moves forward (when the server was started with it). */
  readonly clock: { now: number };
  readonly close: () => Promise<void>;
}

export async function startTestServer(
  options: {
    token?: string | null;
    config?: Partial<ServerConfig>;
    limits?: StartServerInternals['limits'];
    fakeClock?: boolean;
    adminKey?: AdminKeyCheck;
  } = {},
): Promise<TestServer> {
  const tokens = new MemoryTokenSource(options.token ?? null);
  const log = capturedLogger();
  const clock = { now: Date.now() };
  const config = networkConfig({ customerOrigins: [CUSTOMER_ORIGIN], ...options.config });
  const server = await startServer(
    { config, agentToken: tokens, logger: log.logger, ...(options.adminKey ? { adminKey: options.adminKey } : {}) },
    { limits: options.limits, ...(options.fakeClock ? { clock: () => clock.now } : {}) },
  );
  return {
    server,
    tokens,
    log,
    clock,
    wsUrl: (path) => `${server.url.replace(/^http/, 'ws')}${path}`,
    close: () => server.close(),
  };
}
