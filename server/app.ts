// The co-browse server's network side: one node:http server for the REST routes and both
// WebSocket paths. server/cli.ts builds the config, token source and logger and calls startServer.
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { clientAddresses } from './http/client-address.js';
import { limitConnections } from './http/connection-limits.js';
import { createHttpHandler } from './http/http-handler.js';
import { loadTlsFiles, watchTlsFiles } from './http/tls-files.js';
import { isLoopbackHost } from './config/build-server-config.js';
import { RefusalLog } from './log/refusal-log.js';
import { NET_LIMITS, type NetLimits } from './limits.js';
import { NetMetrics } from './metrics/net-metrics.js';
import { AuthFailureLimiter } from './policy/auth-failure-limiter.js';
import { systemClock, type Clock } from './policy/clock.js';
import { createOidcVerifier } from './policy/oidc-verifier.js';
import { localCounters } from './policy/window-counter.js';
import { AuditStore, type AuditLog } from './store/audit-store.js';
import type { RunningServer, StartServerOptions } from './types.js';
import { SessionHub, type RelayedFrame } from './ws/session-hub.js';
import { MemorySessionStore } from './sessions/memory-session-store.js';
import type { SessionStore } from './sessions/session-store.js';
import { createUpgradeHandler } from './ws/upgrade-handler.js';
import { startClusterRouter } from './cluster/start-cluster-router.js';
import { sharedCounters } from './cluster/shared-counters.js';
import { CLUSTER_CODE_DRAWS } from './cluster/cluster-limits.js';

/** Where `npm run build:snippet` writes the customer snippet. */
export const DEFAULT_SNIPPET_FILE = resolve(import.meta.dirname, '../dist/snippet/agentdesk-cobrowse.js');

/** Test seams: the product runs with the system clock and NET_LIMITS. */
export interface StartServerInternals {
  readonly clock?: Clock;
  readonly limits?: Partial<NetLimits>;
  /** Test tap: every frame the server sends to either side of a session. */
  readonly onRelay?: (frame: RelayedFrame) => void;
  /** Where session state is kept; default in this process's memory. */
  readonly sessionStore?: SessionStore;
  /** The built snippet to serve; default dist/snippet/agentdesk-cobrowse.js. */
  readonly snippetFile?: string;
}

export async function startServer(opts: StartServerOptions, internals: StartServerInternals = {}): Promise<RunningServer> {
  const { config, agentToken, logger } = opts;
  const clock = internals.clock ?? systemClock;
  const limits: NetLimits = { ...NET_LIMITS, ...config.limits, ...internals.limits };
  const metrics = new NetMetrics();
  let shuttingDown = false;
  const isShuttingDown = (): boolean => shuttingDown;

  const ownAudit = opts.audit ? null : AuditStore.inMemory();
  const audit: AuditLog = opts.audit ?? ownAudit!;
  audit.registerMetrics?.(metrics.registry);
  const sessionStore = internals.sessionStore ?? new MemorySessionStore(limits, clock);
  const oidc = config.oidc ? createOidcVerifier(config.oidc, clock, limits) : null;
  // Per-address limits hold across a cluster's nodes: their counters live in Redis there.
  const shared = opts.cluster ? sharedCounters(opts.cluster.link, clock, logger) : null;
  const counters = shared?.counters ?? localCounters(clock, limits.counterMaxKeys);
  const storeProblem = opts.storeProblem ?? (() => null);
  const hub = new SessionHub({
    limits,
    refusesJoins: storeProblem,
    clock,
    logger,
    metrics,
    policy: config.agentAuth,
    audit,
    assetOrigins: config.assetOrigins ?? [],
    agentToken,
    store: sessionStore,
    oidc,
    counters,
    ...(internals.onRelay ? { onRelay: internals.onRelay } : {}),
  });
  const router = opts.cluster ? startClusterRouter(opts.cluster, hub, sessionStore, limits, logger) : null;
  const authLimiter = new AuthFailureLimiter(limits, clock, counters);
  const addresses = clientAddresses(config.trustedProxies ?? []);
  const refusals = new RefusalLog(logger, clock);
  if (opts.logDrops) metrics.logDropsFrom(opts.logDrops);

  const httpOptions = {
    requestTimeout: limits.httpRequestTimeoutMs,
    headersTimeout: limits.httpHeadersTimeoutMs,
    connectionsCheckingInterval: limits.httpTimeoutCheckIntervalMs,
  };
  // https.Server is an http.Server underneath (same timeouts, events and upgrade path).
  const tls = config.tls ?? null;
  const server: Server = tls ? createTlsServer({ ...httpOptions, ...loadTlsFiles(tls) }) : createServer(httpOptions);
  const stopWatchingTls = tls ? watchTlsFiles(tls, (options) => (server as ReturnType<typeof createTlsServer>).setSecureContext(options), logger) : () => {};
  limitConnections(server, limits, addresses, refusals, (code) => metrics.refused(code));
  server.on(
    'request',
    createHttpHandler({
      config,
      limits,
      logger,
      metrics,
      createSession: async (origin) => {
        // Cluster mode: each node draws codes on its own, so a code live on another node is
        // drawn again (1 in 10^9 per live session; a few tries are plenty).
        for (let attempt = 1; ; attempt += 1) {
          const created = await hub.createSession(origin);
          if (!created.ok || !router) return created;
          const recorded = await router.sessionCreated(created.session.id);
          if (recorded === 'recorded') return created;
          if (recorded === 'unavailable' || attempt >= CLUSTER_CODE_DRAWS) return { ok: false, code: 'SERVER_CLUSTER_UNAVAILABLE' };
        }
      },
      sessionCreates: counters('session-creates', limits.sessionCreateWindowMs),
      addresses,
      refusals,
      isShuttingDown,
      unavailable: () => storeProblem() ?? opts.unavailable?.() ?? null,
      adminFailures: counters('admin-failures', limits.authFailureWindowMs),
      audit,
      adminKey: opts.adminKey ?? (() => 'not-configured'),
      snippetFile: internals.snippetFile ?? DEFAULT_SNIPPET_FILE,
    }),
  );
  server.on('upgrade', createUpgradeHandler({ config, limits, clock, logger, metrics, agentToken, authLimiter, oidc, hub: router ?? hub, isShuttingDown, addresses, refusals }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  logger.info({ url, agentAuth: config.agentAuth, oidc: config.oidc !== null, trustedProxies: config.trustedProxies?.length ?? 0 }, 'co-browse server listening');
  if (!tls && !isLoopbackHost(config.host)) {
    logger.warn(
      { host: config.host, trustedProxies: config.trustedProxies ?? [] },
      (config.trustedProxies?.length ?? 0) > 0
        ? 'plain HTTP on a network address: only the trusted proxies in front may reach this port (TLS ends there)'
        : 'plain HTTP on a network address (--insecure-http): agent tokens cross the network in clear',
    );
  }

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    async drain(deadlineMs) {
      shuttingDown = true;
      logger.info({ sessions: hub.sessionCount, deadlineMs }, 'draining: /readyz answers 503, new sessions are refused');
      // A cluster node's sessions move to the other nodes at close(); on one node they may finish.
      if (router) return;
      const until = Date.now() + deadlineMs;
      while (hub.sessionCount > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    },
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        stopWatchingTls();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // A cluster node drains: sessions stay for the other nodes, whose clients reconnect there.
        await router?.shutdown();
        await hub.shutdown(router === null);
        // Keep-alive HTTP connections still busy after the sockets drained are cut.
        const cut = setTimeout(() => server.closeAllConnections(), limits.shutdownDrainMs);
        cut.unref();
        await stopped;
        clearTimeout(cut);
        ownAudit?.close();
        shared?.close();
        logger.info('co-browse server stopped');
      })();
      return closing;
    },
  };
}
