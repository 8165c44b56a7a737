import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';

/** A client socket whose text messages are queued, so tests can await them in order. */
export class TestSocket {
  readonly #queue: unknown[] = [];
  readonly #binary: Buffer[] = [];
  readonly #waiters: ((m: unknown) => void)[] = [];
  readonly #binaryWaiters: ((b: Buffer) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        const waiter = this.#binaryWaiters.shift();
        if (waiter) waiter(data);
        else this.#binary.push(data);
        return;
      }
      const message: unknown = JSON.parse(data.toString('utf8'));
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#queue.push(message);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
  }

  /** The next JSON message (fails the test after `ms`). */
  next<T = Record<string, unknown>>(ms = 3000): Promise<T> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued as T);
    return withTimeout(new Promise<T>((resolve) => this.#waiters.push(resolve as (m: unknown) => void)), ms, 'a message');
  }

  nextBinary(ms = 3000): Promise<Buffer> {
    const queued = this.#binary.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return withTimeout(new Promise<Buffer>((resolve) => this.#binaryWaiters.push(resolve)), ms, 'a binary frame');
  }

  /** Messages received so far and not yet taken. */
  pending(): unknown[] {
    return [...this.#queue];
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  waitClose(ms = 5000): Promise<{ code: number; reason: string }> {
    return withTimeout(this.closed, ms, 'the socket to close');
  }

  close(): void {
    this.ws.close();
  }
}

export type Handshake =
  | { readonly ok: true; readonly socket: TestSocket }
  | { readonly ok: false; readonly status: number; readonly headers: IncomingMessage['headers']; readonly body: Record<string, unknown> };

/** Opens a socket and reports either the open socket or the HTTP refusal of the handshake. */
export function connect(url: string, headers: Record<string, string> = {}, options: WebSocket.ClientOptions = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, ...options });
    const socket = new TestSocket(ws);
    ws.once('open', () => resolve({ ok: true, socket }));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ ok: false, status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> });
      });
    });
    ws.once('error', (err) => reject(err));
  });
}

/** Opens a socket that must be accepted. */
export async function mustConnect(url: string, headers: Record<string, string> = {}, options: WebSocket.ClientOptions = {}): Promise<TestSocket> {
  const handshake = await connect(url, headers, options);
  if (!handshake.ok) throw new Error(`handshake refused: ${handshake.status} ${JSON.stringify(handshake.body)}`);
  return handshake.socket;
}

/** Opens a socket that must be refused before the upgrade. */
export async function mustRefuse(url: string, headers: Record<string, string> = {}): Promise<Extract<Handshake, { ok: false }>> {
  const handshake = await connect(url, headers);
  if (handshake.ok) {
    handshake.socket.close();
    throw new Error('handshake was accepted but should have been refused');
  }
  return handshake;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}
