// The co-browse socket through a CONNECT proxy, with real sockets on 127.0.0.1: a recording proxy,
// a TLS WebSocket server whose certificate comes from a test CA, and the co-browse channel itself
// taking its socket options from the Electron network wiring (with a session stand-in that answers
// resolveProxy the way Chromium does).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { createCobrowseChannel } from '../../../src/cobrowse/cobrowse-channel.js';
import { createElectronNetwork } from '../../../src/electron/electron-network.js';
import { HttpsTunnelAgent } from '../../../src/electron/proxy-tunnel.js';
import { makeTestTls, type TestTls } from '../../support/test-tls.js';
import { startAgentProtocolServer, type AgentProtocolServer } from '../cobrowse/helpers/agent-protocol-server.js';
import { waitFor } from '../cobrowse/helpers/wait-for-state.js';

interface RecordingProxy {
  readonly port: number;
  readonly connects: string[];
  /** When set, every CONNECT gets this status instead of a tunnel. */
  refuseWith: number | null;
  close(): Promise<void>;
}

/** A minimal HTTP CONNECT proxy (what a corporate proxy does for wss), recording each target. */
async function startProxy(): Promise<RecordingProxy> {
  const sockets = new Set<Socket>();
  const proxy: RecordingProxy = { port: 0, connects: [], refuseWith: null, close: async () => {} };
  const server: NetServer = createNetServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.once('data', (head) => {
      const line = head.toString('latin1').split('\r\n', 1)[0] ?? '';
      const target = /^CONNECT (\S+) HTTP\/1\.1$/.exec(line)?.[1];
      if (target === undefined) return void client.destroy();
      proxy.connects.push(target);
      if (proxy.refuseWith !== null) return void client.end(`HTTP/1.1 ${proxy.refuseWith} No\r\nProxy-Authenticate: Negotiate\r\n\r\n`);
      const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
      // Test servers only: the tunnel may reach nothing but this machine's loopback.
      if (host !== '127.0.0.1' && host !== 'localhost') return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      const upstream = netConnect({ host: '127.0.0.1', port }, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return Object.assign(proxy, {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  });
}

describe('co-browse socket through the proxy Electron resolves, with the trusted certificates', () => {
  let tls: TestTls;
  let proxy: RecordingProxy;
  let https: HttpsServer;
  let wssPort: number;
  let plain: AgentProtocolServer;

  before(async () => {
    tls = makeTestTls();
    proxy = await startProxy();
    https = createHttpsServer({ key: tls.keyPem, cert: tls.certPem });
    const wss = new WebSocketServer({ server: https });
    wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo ${String(data)}`)));
    await new Promise<void>((done) => https.listen(0, '127.0.0.1', done));
    wssPort = (https.address() as AddressInfo).port;
    plain = await startAgentProtocolServer({ admit: () => ({ accept: true, agentAuth: 'token' }) });
  });
  after(async () => {
    await plain?.close();
    https?.closeAllConnections();
    await new Promise((done) => https?.close(done));
    await proxy?.close();
  });

  function echoOnce(url: string, agent: HttpsTunnelAgent, ca?: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { agent, ...(ca ? { ca } : {}) });
      socket.once('open', () => socket.send('hello'));
      socket.once('message', (data) => {
        resolve(String(data));
        socket.close();
      });
      socket.once('error', reject);
    });
  }

  it('wss: TLS to the server inside the CONNECT tunnel, checked against the trusted certificates and the server name', async () => {
    const before = proxy.connects.length;
    const agent = new HttpsTunnelAgent({ proxy: { secure: false, host: '127.0.0.1', port: proxy.port }, ca: [tls.caPem] });
    assert.equal(await echoOnce(`wss://localhost:${wssPort}/cobrowse/agent`, agent), 'echo hello');
    assert.deepEqual(proxy.connects.slice(before), [`localhost:${wssPort}`]);
  });

  it("refuses the server's certificate when its CA is not trusted, tunnel or not", async () => {
    const agent = new HttpsTunnelAgent({ proxy: { secure: false, host: '127.0.0.1', port: proxy.port }, ca: [makeTestTls().caPem] });
    await assert.rejects(echoOnce(`wss://localhost:${wssPort}/`, agent), /self[- ]signed|unable to verify|certificate/i);
  });

  it('reports a proxy that wants credentials by its status, never as a silent hang', async () => {
    proxy.refuseWith = 407;
    try {
      const agent = new HttpsTunnelAgent({ proxy: { secure: false, host: '127.0.0.1', port: proxy.port } });
      await assert.rejects(echoOnce(`wss://localhost:${wssPort}/`, agent), /refused the tunnel: HTTP 407 \(it asks for credentials/);
    } finally {
      proxy.refuseWith = null;
    }
  });

  it('the co-browse channel takes the route Electron resolves for the server URL', async () => {
    const asked: string[] = [];
    const network = createElectronNetwork({
      session: {
        resolveProxy: async (url: string) => (asked.push(url), `PROXY 127.0.0.1:${proxy.port}; DIRECT`),
        fetch: () => Promise.reject(new Error('not used by the socket')),
      },
      certificates: () => [tls.caPem],
    });
    const before = proxy.connects.length;
    const channel = createCobrowseChannel({ serverUrl: plain.url, getAgentToken: async () => '01234567890123456789012345', socketOptions: (url) => network.socketOptions(url) });
    try {
      channel.connect();
      await waitFor(channel, (s) => s.connection.status === 'connected', 'connected through the proxy');
      const { port } = new URL(plain.url);
      assert.deepEqual(proxy.connects.slice(before), [`127.0.0.1:${port}`], 'the socket went through the proxy');
      assert.deepEqual(asked, [`http://127.0.0.1:${port}/cobrowse/agent`], "Chromium's proxy for the http twin of the ws URL");
    } finally {
      await channel.close();
    }
  });
});
