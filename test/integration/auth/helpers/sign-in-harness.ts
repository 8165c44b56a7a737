// Wires the real sign-in service to the real test provider, a fake Desktop port and the test
// browser, so each test reads as the agent's steps.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedirectMode } from '../../../../common/api.js';
import { createAuthService, type AgentIdentity, type AuthService } from '../../../../src/auth/auth-service.js';
import type { Clock } from '../../../../src/auth/clock.js';
import { parseProvidersFile, type ProviderConfig } from '../../../../src/auth/provider-config.js';
import type { DesktopNetwork } from '../../../../src/desktop-port.js';
import type { SecretStore } from '../../../../src/vault/secret-store.js';
import { FallbackSecretStore } from '../../../../src/vault/fallback-secret-store.js';
import { FakeDesktop } from './fake-desktop.js';
import { captureLogger } from './log-capture.js';
import { TestBrowser } from './test-browser.js';
import { TEST_AGENT, TEST_PROVIDER_ID, type TestProvider } from './test-provider.js';

export const PROVIDER_ID = TEST_PROVIDER_ID;

export function testProviderConfig(idp: TestProvider, mode: RedirectMode = 'custom-scheme', extra: Record<string, unknown> = {}): ProviderConfig[] {
  return parseProvidersFile({
    providers: [{ id: PROVIDER_ID, label: 'Test IdP', issuer: idp.issuer, client_id: idp.clientId, redirect: { mode }, ...extra }],
  });
}

export interface Harness {
  readonly service: AuthService;
  readonly desktop: FakeDesktop;
  readonly browser: TestBrowser;
  readonly logs: () => string;
  readonly dir: string;
  /** Runs the provider's pages up to the redirect to the app; returns the redirect URL. */
  browse(authorizationUrl: string, options?: { password?: string; clickLink?: RegExp }): Promise<string>;
  /** The whole sign-in as the agent does it, delivering the redirect like the OS would. */
  signIn(): Promise<AgentIdentity>;
}

export function isAppRedirect(url: string): boolean {
  return /^com\.agentdesk\.desktop:\/oauth\/callback\/[a-z0-9-]+\?/.test(url) || /^http:\/\/(127\.0\.0\.1|\[::1\]):\d+\/oauth\/callback\/[a-z0-9-]+\?/.test(url);
}

/** Delivers a redirect the way the OS/browser would: custom scheme to the entry point, loopback over HTTP. */
export async function deliver(service: AuthService, redirect: string): Promise<void> {
  if (redirect.startsWith('http://')) {
    const response = await fetch(redirect);
    const page = await response.text();
    if (response.status !== 200) throw new Error(`loopback answered ${response.status}: ${page}`);
    assert.match(page, /Return to AgentDesk/);
    return;
  }
  await service.handleCallbackUrl(redirect);
}

export async function createHarness(options: {
  idp: TestProvider;
  store: SecretStore;
  mode?: RedirectMode;
  clock?: Clock;
  providers?: ProviderConfig[];
  network?: DesktopNetwork;
}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'agentdesk-auth-'));
  const desktop = new FakeDesktop(dir);
  if (options.network) desktop.network = options.network;
  const browser = new TestBrowser();
  const { logger, text } = captureLogger();
  const service = createAuthService({
    providers: options.providers ?? testProviderConfig(options.idp, options.mode),
    desktop,
    secretStore: new FallbackSecretStore(options.store),
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const browse = (url: string, o: { password?: string; clickLink?: RegExp } = {}) =>
    browser.authorize(url, {
      fill: { login: TEST_AGENT.email, password: o.password ?? TEST_AGENT.password },
      isAppRedirect,
      ...(o.clickLink ? { clickLink: o.clickLink } : {}),
    });
  return {
    service,
    desktop,
    browser,
    logs: text,
    dir,
    browse,
    async signIn() {
      const done = service.signIn(PROVIDER_ID);
      const redirect = await browse(await desktop.nextOpened());
      await deliver(service, redirect);
      return done;
    },
  };
}
