// The co-browse socket through an HTTP(S) proxy: an http(s).Agent whose connections are CONNECT
// tunnels (RFC 9110 §9.3.6), with TLS to the co-browse server inside the tunnel for wss. ws takes
// it as its `agent`. Proxy authentication (407) is not attempted: Chromium answers a proxy's
// Negotiate/NTLM challenge with the user's OS credentials, which Node cannot; it is reported.
import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { PROXY_CONNECT_TIMEOUT_MS, PROXY_RESPONSE_MAX_BYTES } from './limits.js';

export interface TunnelProxy {
  /** TLS to the proxy itself ("HTTPS host:port" in PAC). */
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
}

export interface TunnelOptions {
  readonly proxy: TunnelProxy;
  /** Trusted certificates for TLS to the proxy and to the server; absent: Node's list. */
  readonly ca?: readonly string[];
  readonly timeoutMs?: number;
}

const authority = (host: string, port: number): string => `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;

/** Opens a CONNECT tunnel to host:port; resolves with the raw socket once the proxy answered 200. */
export function openTunnel(options: TunnelOptions, host: string, port: number): Promise<Socket> {
  const { proxy } = options;
  const timeoutMs = options.timeoutMs ?? PROXY_CONNECT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const socket: Socket = proxy.secure
      ? tlsConnect({ host: proxy.host, port: proxy.port, ...(isIP(proxy.host) === 0 ? { servername: proxy.host } : {}), ...(options.ca ? { ca: [...options.ca] } : {}) })
      : netConnect({ host: proxy.host, port: proxy.port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (error !== null) {
        socket.destroy();
        reject(error);
      }
    };
    const onError = (error: Error): void => finish(new Error(`proxy ${authority(proxy.host, proxy.port)}: ${error.message}`));
    const onClose = (): void => finish(new Error(`proxy ${authority(proxy.host, proxy.port)} closed the connection before the tunnel opened`));
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (received.length > PROXY_RESPONSE_MAX_BYTES) finish(new Error(`proxy ${authority(proxy.host, proxy.port)} sent an oversized CONNECT answer`));
        return;
      }
      // Only the status code is reported: the rest of a proxy's answer is not ours to log.
      const status = /^HTTP\/1\.[01] (\d{3})[ \r]/.exec(received.subarray(0, Math.min(end + 2, 64)).toString('latin1'))?.[1];
      if (status !== '200') {
        const why = status === '407' ? ' (it asks for credentials, which AgentDesk cannot give it)' : '';
        finish(new Error(`proxy ${authority(proxy.host, proxy.port)} refused the tunnel: ${status === undefined ? 'not an HTTP answer' : `HTTP ${status}`}${why}`));
        return;
      }
      socket.pause();
      finish(null);
      const rest = received.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    const timer = setTimeout(() => finish(new Error(`proxy ${authority(proxy.host, proxy.port)} did not open the tunnel within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.once(proxy.secure ? 'secureConnect' : 'connect', () => {
      const target = authority(host, port);
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    });
  });
}

function targetOf(options: ClientRequestArgs, defaultPort: number): { host: string; port: number } {
  const host = (options.hostname ?? options.host ?? 'localhost').replace(/^\[|\]$/g, '');
  return { host, port: Number(options.port ?? defaultPort) };
}

/** For ws:// URLs: plain HTTP inside the tunnel. */
export class HttpTunnelAgent extends HttpAgent {
  readonly #tunnel: TunnelOptions;
  constructor(tunnel: TunnelOptions) {
    super({ keepAlive: false });
    this.#tunnel = tunnel;
  }
  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const { host, port } = targetOf(options, 80);
    openTunnel(this.#tunnel, host, port).then(
      (socket) => {
        callback?.(null, socket);
        // openTunnel paused it so no byte is lost between the proxy's answer and the HTTP client's listeners.
        socket.resume();
      },
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/** For wss:// URLs: TLS to the co-browse server inside the tunnel, checked against `ca` and the server's name. */
export class HttpsTunnelAgent extends HttpsAgent {
  readonly #tunnel: TunnelOptions;
  constructor(tunnel: TunnelOptions) {
    super({ keepAlive: false });
    this.#tunnel = tunnel;
  }
  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const { host, port } = targetOf(options, 443);
    openTunnel(this.#tunnel, host, port).then(
      (raw) => {
        const secure = tlsConnect({
          socket: raw,
          ...(isIP(host) === 0 ? { servername: options.servername ?? host } : {}),
          ...(this.#tunnel.ca ? { ca: [...this.#tunnel.ca] } : options.ca !== undefined ? { ca: options.ca } : {}),
        });
        callback?.(null, secure);
      },
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
