// The browser shell's local server: serves the renderer bundle to a browser on 127.0.0.1 and
// carries its AgentDeskApi calls over one WebSocket. Only a page opened from the link the host
// printed (it holds the per-launch key) can drive it; the Host and Origin checks stop other local
// pages, DNS-rebinding sites and processes without the key.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isApiOperation, parseApiArguments } from '../../common/api.js';
import { HOST_API_PATH, HOST_CLOSE, HOST_KEY_PARAM, hostFrameHeader, pageToHostSchema, type HostToPage } from '../../common/host-protocol.js';
import type { AppLogger, DesktopApp } from '../app/desktop-app-types.js';
import { bundlePath, bundleResponseHeaders, findBundleFile } from '../renderer-bundle/bundle-files.js';
import { API_HELLO_TIMEOUT_MS, API_MAX_PAYLOAD_BYTES } from './limits.js';

export interface HostServerOptions {
  readonly app: DesktopApp;
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  /** The per-launch key; it reaches the page in the URL fragment, which browsers never send. */
  readonly key: string;
  readonly port?: number;
  readonly logger: AppLogger;
}

export interface HostServer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** The link to open: the origin with the key in the fragment. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const { rendererDir } = options;
  const server = createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: API_MAX_PAYLOAD_BYTES });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  const keyDigest = digest(options.key);

  server.on('request', (req, res) => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      sendText(res, 421, 'This AgentDesk server answers on 127.0.0.1 only.');
      return;
    }
    serveStatic(rendererDir, req, res).catch((err: unknown) => {
      options.logger.error({ error: (err as Error).message }, 'serving the renderer failed');
      if (!res.headersSent) sendText(res, 500, 'AgentDesk could not load this file.');
      else res.destroy();
    });
  });

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    if (path !== HOST_API_PATH || !allowedHosts.has(req.headers.host ?? '') || !allowedOrigins.has(req.headers.origin ?? '')) {
      options.logger.warn({ path, origin: req.headers.origin ?? null }, 'refused a local API connection from another origin');
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveApi(ws, options.app, keyDigest, options.logger));
  });

  return {
    origin,
    url: `${origin}/#${HOST_KEY_PARAM}=${encodeURIComponent(options.key)}`,
    close: async () => {
      for (const ws of sockets.clients) ws.close(1001, 'AgentDesk is closing');
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function serveApi(ws: WebSocket, app: DesktopApp, keyDigest: Buffer, logger: AppLogger): void {
  let unsubscribe: (() => void) | null = null;
  const send = (message: HostToPage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const helloTimer = setTimeout(() => ws.close(HOST_CLOSE.Unauthorized, 'no hello'), API_HELLO_TIMEOUT_MS);
  ws.on('close', () => {
    clearTimeout(helloTimer);
    unsubscribe?.();
  });
  ws.on('message', (data, isBinary) => {
    let message;
    try {
      message = isBinary ? null : pageToHostSchema.safeParse(JSON.parse(String(data)));
    } catch {
      message = null;
    }
    if (!message?.success) {
      ws.close(HOST_CLOSE.ProtocolError, 'unreadable message');
      return;
    }
    const msg = message.data;
    if (unsubscribe === null) {
      if (msg.type !== 'hello' || !timingSafeEqual(digest(msg.key), keyDigest)) {
        logger.warn({}, 'refused a local API connection without the launch key');
        ws.close(HOST_CLOSE.Unauthorized, 'launch key missing or wrong');
        return;
      }
      clearTimeout(helloTimer);
      const offState = app.onState((state) => send({ type: 'state', state }));
      const offFrames = app.onPageFrame((frame) => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([hostFrameHeader(frame), Buffer.from(frame.json, 'utf8')]));
      });
      unsubscribe = () => {
        offState();
        offFrames();
      };
      send({ type: 'welcome' });
      return;
    }
    if (msg.type !== 'call') {
      ws.close(HOST_CLOSE.ProtocolError, 'hello sent twice');
      return;
    }
    const { id, op, args } = msg;
    if (!isApiOperation(op)) {
      send({ type: 'result', id, result: { ok: false, error: { code: 'API_ARGUMENT_INVALID', message: `${op.slice(0, 32)}: no such operation` } } });
      return;
    }
    const parsed = parseApiArguments(op, args);
    if (!parsed.ok) {
      logger.warn({ operation: op, code: parsed.error.code }, 'renderer call with invalid arguments refused');
      send({ type: 'result', id, result: parsed });
      return;
    }
    void app.dispatch(op, parsed.args).then((result) => send({ type: 'result', id, result }));
  });
}

async function serveStatic(rendererDir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendText(res, 405, 'Method not allowed.');
    return;
  }
  // Every refused path is a plain 404 here: the page needs no more, and a probe learns nothing.
  const path = URL.canParse(req.url ?? '/', 'http://host') ? bundlePath(new URL(req.url ?? '/', 'http://host').pathname) : null;
  const found = path?.ok ? await findBundleFile(rendererDir, path.relativePath) : null;
  if (!found?.ok) {
    sendText(res, 404, found?.reason === 'not-built' ? 'The agent UI is not built: run "npm run build:renderer".' : 'Not found.');
    return;
  }
  res.writeHead(200, { ...bundleResponseHeaders(found.contentType), 'content-length': found.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(found.file).pipe(res);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, bundleResponseHeaders('text/plain; charset=utf-8'));
  res.end(text);
}
