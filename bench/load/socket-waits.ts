// Bounded waits on client sockets: the handshake, and the next JSON message of a given type
// (messages that arrive before anyone waits for them are kept, so no answer is missed).
import WebSocket from 'ws';

/** Every wait for one handshake or one control message. A relay this slow has failed the run. */
export const SOCKET_WAIT_MS = 30_000;

export interface OpenedSocket {
  readonly ws: WebSocket;
  readonly inbox: JsonInbox;
}

/** The inbox listens from the start, so a message arriving with the handshake is not missed. */
export function openSocket(url: string, headers: Record<string, string>, label: string, onBinary?: (frame: Buffer) => void): Promise<OpenedSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    const inbox = new JsonInbox(ws, label, onBinary);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no handshake from ${url} within ${SOCKET_WAIT_MS} ms`));
    }, SOCKET_WAIT_MS);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve({ ws, inbox });
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => reject(new Error(`handshake to ${url} refused: ${res.statusCode} ${body}`)));
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

type Json = Record<string, unknown> & { type?: unknown };

/** Collects a socket's text messages so a caller can await the next one of a type. */
export class JsonInbox {
  readonly #kept: Json[] = [];
  readonly #waiters: { type: string; resolve: (m: Json) => void; reject: (e: Error) => void }[] = [];

  constructor(
    ws: WebSocket,
    private readonly label: string,
    onBinary: (frame: Buffer) => void = () => {},
  ) {
    // An error is always followed by close, which fails the waiters; nothing else to do here.
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        onBinary(data as Buffer);
        return;
      }
      const message = JSON.parse((data as Buffer).toString('utf8')) as Json;
      const i = this.#waiters.findIndex((w) => w.type === message.type);
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(message);
      else if (message.type === 'error' && this.#waiters.length > 0) this.#waiters.shift()!.reject(new Error(`${label}: ${String(message.code)}`));
      else this.#kept.push(message);
    });
    ws.on('close', (code, reason) => {
      for (const w of this.#waiters.splice(0)) w.reject(new Error(`${label} closed (${code} ${reason.toString('utf8')}) while waiting for ${w.type}`));
    });
  }

  next(type: string): Promise<Json> {
    const i = this.#kept.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.#kept.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.label}: no ${type} within ${SOCKET_WAIT_MS} ms`)), SOCKET_WAIT_MS);
      this.#waiters.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }
}
