// The real customer side for snippet tests: the co-browse server (in process, with a tap that
// records every frame it sends), the demo customer site, the snippet freshly bundled from source
// with esbuild, and Debian's Chromium. The agent is a plain `ws` client speaking protocol.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';
import { build } from 'esbuild';
import { snippetBuildOptions } from '../../../../scripts/build.js';
import { startServer, type StartServerInternals } from '../../../../server/app.js';
import type { AdminKeyCheck } from '../../../../server/store/admin-key-store.js';
import type { RunningServer, ServerConfig } from '../../../../server/types.js';
import type { RelayedFrame } from '../../../../server/ws/session-hub.js';
import { startCustomerSite, type CustomerSite } from '../../../../demo/site/serve-site.js';
import { launchChromium } from '../../../support/chromium.js';
import { capturedLogger } from '../../server/net-helpers/captured-logger.js';
import { MemoryTokenSource } from '../../server/net-helpers/memory-token-source.js';
import { networkConfig } from '../../server/net-helpers/test-server.js';
import { mustConnect, type TestSocket } from '../../server/net-helpers/ws-client.js';

export interface SnippetStack {
  readonly server: RunningServer;
  readonly site: CustomerSite;
  readonly browser: Browser;
  /** Every frame the server sent inside a session, in order. */
  readonly relayed: RelayedFrame[];
  agent(): Promise<TestSocket>;
  close(): Promise<void>;
}

/** Bundles server/snippet/main.ts with the build entry's options (scripts/build.ts), into a temp dir. */
export async function bundleSnippet(): Promise<{ file: string; dispose: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'agentdesk-snippet-'));
  const file = join(dir, 'agentdesk-cobrowse.js');
  await build(snippetBuildOptions(file));
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startSnippetStack(
  options: {
    limits?: StartServerInternals['limits'];
    extraPages?: Record<string, string>;
    adminKey?: AdminKeyCheck;
    serverUrlFor?: (url: string) => string;
    /** Server config on top of the network defaults (e.g. `oidc`, for agents with an identity). */
    config?: Partial<ServerConfig>;
    /** Handshake headers for every agent socket (e.g. an access token's `Authorization`). */
    agentHeaders?: () => Promise<Record<string, string>>;
  } = {},
): Promise<SnippetStack> {
  const snippet = await bundleSnippet();
  const relayed: RelayedFrame[] = [];
  let siteUrl = '';
  const site = await startCustomerSite({ serverUrl: () => siteUrl, ...(options.extraPages ? { extraPages: options.extraPages } : {}) });
  const server = await startServer(
    {
      config: networkConfig({ customerOrigins: [site.origin], ...options.config }),
      agentToken: new MemoryTokenSource(null),
      logger: capturedLogger().logger,
      ...(options.adminKey ? { adminKey: options.adminKey } : {}),
    },
    { limits: options.limits, snippetFile: snippet.file, onRelay: (frame) => relayed.push(frame) },
  );
  siteUrl = options.serverUrlFor ? options.serverUrlFor(server.url) : server.url;
  const browser = await launchChromium();
  return {
    server,
    site,
    browser,
    relayed,
    async agent() {
      const socket = await mustConnect(`${server.url.replace(/^http/, 'ws')}/cobrowse/agent`, options.agentHeaders ? await options.agentHeaders() : undefined);
      const welcome = await socket.next();
      if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
      return socket;
    },
    async close() {
      await browser.close();
      await server.close();
      await site.close();
      snippet.dispose();
    },
  };
}
