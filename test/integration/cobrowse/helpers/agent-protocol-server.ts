// A real WebSocket server on 127.0.0.1 that speaks the agent side of common/protocol.ts, with a
// scriptable admission decision, so the channel client is tested over real sockets. The real
// co-browse server (server/app.ts) is exercised against the client by later end-to-end tests.
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { agentToServerSchema, type AgentAuth, type ServerToAgent } from '../../../../common/protocol.js';

export type Admission =
  | { readonly accept: true; readonly agentAuth: AgentAuth; readonly heartbeatMs?: number; readonly firstMessage?: string }
  | { readonly accept: false; readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> };

export interface Handshake {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly at: number;
}

export interface AgentProtocolServerOptions {
  /** Decides each handshake; default: accept without agent authentication. */
  readonly admit?: (req: IncomingMessage, index: number) => Admission;
  /** Answer to `join`; default: `123456789` joins session `s-1`, anything else is unknown. */
  readonly onJoin?: (code: string) => ServerToAgent;
  /** Answer to `resume`; default: an error (no session to resume). */
  readonly onResume?: (resumeToken: string) => ServerToAgent;
  /** The customer page's clock for `probe-echo` (`at`), or null to leave probes unanswered (default). */
  readonly echoProbe?: (id: number) => number | null;
  /** false: never answer pings (a dead peer that keeps TCP up). */
  readonly autoPong?: boolean;
  readonly port?: number;
}

export interface AgentProtocolServer {
  readonly url: string;
  readonly port: number;
  readonly handshakes: readonly Handshake[];
  /** Messages received from agents, parsed (lag probes are kept apart, in `probes`). */
  readonly received: readonly unknown[];
  /** Lag probes received, with the server's receive time. */
  readonly probes: readonly { readonly id: number; readonly at: number }[];
  /** The most recently accepted agent socket. */
  latest(): WebSocket;
  waitForHandshakes(count: number, timeoutMs?: number): Promise<void>;
  waitForReceived(count: number, timeoutMs?: number): Promise<void>;
  /** Closes every open agent socket with this code (1001 by default, like a server restart). */
  dropAll(code?: number, reason?: string): void;
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };

function refuse(socket: Duplex, admission: Extract<Admission, { accept: false }>): void {
  const body = admission.body === undefined ? '' : typeof admission.body === 'string' ? admission.body : JSON.stringify(admission.body);
  const headers: Record<string, string> = {
    'content-type': typeof admission.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...admission.headers,
  };
  const head = [`HTTP/1.1 ${admission.status} ${STATUS_TEXT[admission.status] ?? 'Refused'}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function startAgentProtocolServer(options: AgentProtocolServerOptions = {}): Promise<AgentProtocolServer> {
  const admit = options.admit ?? ((): Admission => ({ accept: true, agentAuth: 'none' }));
  const onJoin =
    options.onJoin ??
    ((code: string): ServerToAgent =>
      code === '123456789'
        ? { type: 'joined', sessionId: 's-1', customerOrigin: 'https://shop.example' }
        : { type: 'error', code: 'SESSION_CODE_UNKNOWN', message: 'No co-browse session has this code.' });
  const handshakes: Handshake[] = [];
  const received: unknown[] = [];
  const probes: { id: number; at: number }[] = [];
  const sockets = new Set<WebSocket>();
  let last: WebSocket | null = null;

  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong ?? true });

  http.on('upgrade', (req, socket, head) => {
    handshakes.push({ url: req.url ?? '', headers: req.headers, at: Date.now() });
    if (req.url !== '/cobrowse/agent') {
      refuse(socket, { accept: false, status: 404, body: { code: 'HTTP_NOT_FOUND', message: 'There is nothing at this address on the co-browse server.' } });
      return;
    }
    const admission = admit(req, handshakes.length - 1);
    if (!admission.accept) {
      refuse(socket, admission);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      last = ws;
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const parsed = agentToServerSchema.safeParse(JSON.parse(data.toString()));
        if (parsed.success && parsed.data.type === 'probe') {
          const { id } = parsed.data;
          probes.push({ id, at: Date.now() });
          const at = options.echoProbe?.(id) ?? null;
          if (at !== null) ws.send(JSON.stringify({ type: 'probe-echo', id, at }));
          return;
        }
        received.push(parsed.success ? parsed.data : { invalid: data.toString() });
        if (parsed.success && parsed.data.type === 'join') ws.send(JSON.stringify(onJoin(parsed.data.code)));
        if (parsed.success && parsed.data.type === 'resume') {
          const answer = options.onResume?.(parsed.data.resumeToken) ?? { type: 'error', code: 'SESSION_NOT_FOUND', message: 'No such session.' };
          ws.send(JSON.stringify(answer));
        }
      });
      ws.send(admission.firstMessage ?? JSON.stringify({ type: 'welcome', agentAuth: admission.agentAuth, identity: null, heartbeatMs: admission.heartbeatMs ?? 30_000 }));
    });
  });

  await new Promise<void>((resolve) => http.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    handshakes,
    received,
    probes,
    latest() {
      if (!last) throw new Error('no agent has connected');
      return last;
    },
    waitForHandshakes: (count, timeoutMs = 5000) => until(() => handshakes.length >= count, timeoutMs, `${count} handshakes`),
    waitForReceived: (count, timeoutMs = 5000) => until(() => received.length >= count, timeoutMs, `${count} agent messages`),
    dropAll(code = 1001, reason = '') {
      for (const ws of sockets) ws.close(code, reason);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
