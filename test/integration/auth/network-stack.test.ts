// Which network stack sign-in takes, with the real sign-in service and the real oidc-provider:
// the browser shell's Desktop port has no network, so openid-client uses Node's global fetch; a
// shell that passes one (Electron: Chromium's net through ses.fetch, src/electron/electron-network.ts)
// carries every back-channel request — discovery, token, JWKS, userinfo — and Node's fetch none.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DesktopNetwork } from '../../../src/desktop-port.js';
import { createHostDesktop } from '../../../src/host/host-desktop.js';
import { MemorySecretStore } from '../../../src/vault/memory-secret-store.js';
import { createHarness } from './helpers/sign-in-harness.js';
import { startTestProvider, TEST_AGENT, type TestProvider } from './helpers/test-provider.js';

/** Requests the app itself makes to the provider (not the pages the "system browser" shows). */
const BACK_CHANNEL = /\/(\.well-known\/openid-configuration|token|jwks|me)$/;

describe('sign-in network stack', () => {
  let idp: TestProvider;
  const nodeFetch = globalThis.fetch;
  let globalCalls: string[] = [];

  before(async () => {
    idp = await startTestProvider();
  });
  after(async () => {
    await idp.close();
  });
  // Node's fetch, recorded (the test browser uses it too; only back-channel paths are compared).
  function recordGlobalFetch(): void {
    globalCalls = [];
    globalThis.fetch = (input, init) => {
      globalCalls.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return nodeFetch(input, init);
    };
  }
  afterEach(() => {
    globalThis.fetch = nodeFetch;
  });

  it("browser shell (no network in the Desktop port): every provider request takes Node's fetch", async () => {
    recordGlobalFetch();
    assert.equal(createHostDesktop(idp.issuer).network, undefined, "the browser shell's port names no network");
    const h = await createHarness({ idp, store: new MemorySecretStore() });
    assert.deepEqual(await h.signIn(), { name: TEST_AGENT.name, email: TEST_AGENT.email });
    const backChannel = globalCalls.filter((path) => BACK_CHANNEL.test(path));
    assert.ok(backChannel.includes('/.well-known/openid-configuration') && backChannel.includes('/token'), globalCalls.join(' '));
  });

  it("a shell's network (Electron's): discovery, token, JWKS and userinfo all through it, none through Node's fetch", async () => {
    recordGlobalFetch();
    const shellCalls: string[] = [];
    const network: DesktopNetwork = {
      fetch: (url, init) => (shellCalls.push(new URL(url).pathname), nodeFetch(url, init)),
      socketOptions: async () => ({}),
    };
    const h = await createHarness({ idp, store: new MemorySecretStore(), network });
    assert.deepEqual(await h.signIn(), { name: TEST_AGENT.name, email: TEST_AGENT.email });
    assert.ok(shellCalls.includes('/.well-known/openid-configuration'), shellCalls.join(' '));
    assert.ok(shellCalls.includes('/token'), shellCalls.join(' '));
    assert.ok(shellCalls.includes('/jwks'), 'the ID token signature check');
    assert.ok(shellCalls.includes('/auth'), 'the look at the authorization request before the browser opens');
    assert.deepEqual(globalCalls.filter((path) => BACK_CHANNEL.test(path)), [], "Node's fetch carried only the browser's pages");
  });
});
