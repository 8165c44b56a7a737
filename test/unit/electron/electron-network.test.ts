// Which network stack each main-process call takes in the Electron shell: sign-in requests go to
// the session's fetch (Chromium), the co-browse socket gets the proxy the session resolves and the
// OS's certificates. The session is a recording stand-in for Electron's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createElectronDesktop } from '../../../src/electron/electron-desktop.js';
import { createElectronNetwork } from '../../../src/electron/electron-network.js';
import { HttpsTunnelAgent, HttpTunnelAgent } from '../../../src/electron/proxy-tunnel.js';
import { trustedCertificates } from '../../../src/electron/trusted-certificates.js';

function fakeSession(pac: string) {
  const fetched: { url: string; init: Record<string, unknown> }[] = [];
  const resolved: string[] = [];
  const session = {
    fetch: async (url: string, init: Record<string, unknown>) => (fetched.push({ url, init }), new Response('{}', { status: 200 })),
    resolveProxy: async (url: string) => (resolved.push(url), pac),
  };
  return { session: session as unknown as Parameters<typeof createElectronNetwork>[0]['session'], fetched, resolved };
}

describe('Electron network wiring', () => {
  it("sends sign-in requests through the session's fetch, without cookies and past custom protocols", async () => {
    const fake = fakeSession('DIRECT');
    const network = createElectronNetwork({ session: fake.session, certificates: () => undefined });
    const signal = new AbortController().signal;
    const response = await network.fetch('https://login.example.org/token', { method: 'POST', headers: { accept: 'application/json' }, body: 'grant_type=x', redirect: 'manual', signal });
    assert.equal(response.status, 200);
    assert.equal(fake.fetched.length, 1);
    assert.equal(fake.fetched[0]!.url, 'https://login.example.org/token');
    assert.deepEqual(fake.fetched[0]!.init, { method: 'POST', headers: { accept: 'application/json' }, body: 'grant_type=x', redirect: 'manual', signal, credentials: 'omit', bypassCustomProtocolHandlers: true });
  });

  it('opens the socket directly with the trusted certificates when the system says DIRECT', async () => {
    const fake = fakeSession('DIRECT');
    let reads = 0;
    const network = createElectronNetwork({ session: fake.session, certificates: () => (reads++, ['-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n']) });
    const first = await network.socketOptions('wss://cobrowse.example.com/cobrowse/agent');
    assert.deepEqual(first, { ca: ['-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n'] });
    await network.socketOptions('wss://cobrowse.example.com/cobrowse/agent');
    assert.equal(reads, 1, 'the certificate store is read once');
    assert.deepEqual(fake.resolved, ['https://cobrowse.example.com/cobrowse/agent', 'https://cobrowse.example.com/cobrowse/agent'], 'the proxy is asked before every try');
  });

  it('tunnels through the proxy the system names: TLS inside for wss, plain for ws', async () => {
    const fake = fakeSession('PROXY proxy.corp.example:3128; DIRECT');
    const network = createElectronNetwork({ session: fake.session, certificates: () => undefined });
    const secure = await network.socketOptions('wss://cobrowse.example.com/cobrowse/agent');
    assert.ok(secure.agent instanceof HttpsTunnelAgent);
    assert.equal(secure.ca, undefined, "no certificate list: Node's own");
    const plain = await network.socketOptions('ws://127.0.0.1:8700/cobrowse/agent');
    assert.ok(plain.agent instanceof HttpTunnelAgent);
  });

  it('refuses to guess when the system offers only routes the socket cannot take', async () => {
    const network = createElectronNetwork({ session: fakeSession('SOCKS5 socks.example:1080').session, certificates: () => undefined });
    await assert.rejects(network.socketOptions('wss://cobrowse.example.com/cobrowse/agent'), /no route AgentDesk can use to the co-browse server \(SOCKS5 only\)/);
  });

  it('is what the Desktop port hands the services', () => {
    const network = createElectronNetwork({ session: fakeSession('DIRECT').session, certificates: () => undefined });
    const desktop = createElectronDesktop({ shell: { openExternal: async () => {} }, app: { isDefaultProtocolClient: () => true }, userDataDir: '/data', launch: {}, network });
    assert.equal(desktop.network, network);
  });

  it("trusts Node's list and the operating system's store together", () => {
    const sources: string[] = [];
    const certs = trustedCertificates((type) => (sources.push(String(type)), type === 'system' ? ['SYS', 'BOTH'] : ['NODE', 'BOTH']));
    assert.deepEqual(certs, ['NODE', 'BOTH', 'SYS']);
    assert.deepEqual(sources, ['default', 'system']);
    assert.equal(trustedCertificates(null), undefined, "a Node without tls.getCACertificates keeps Node's list");
  });
});
