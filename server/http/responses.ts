import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { errorBody, type ErrorCode } from '../../common/errors.js';

export type Headers = Readonly<Record<string, string>>;

const BASE_HEADERS: Headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType: string, headers: Headers = {}): void {
  res.writeHead(status, {
    ...BASE_HEADERS,
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The one error shape of HTTP answers: `{code, message}` with the message a person reads. */
export function sendError(res: ServerResponse, status: number, code: ErrorCode, headers: Headers = {}): void {
  sendJson(res, status, errorBody(code), headers);
}

/**
 * Refuses a WebSocket handshake before the upgrade: a plain HTTP answer written on the raw socket,
 * which clients see as the handshake's response (status and JSON body), then the socket closes.
 */
export function refuseUpgrade(socket: Duplex, status: number, code: ErrorCode, headers: Headers = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(code));
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Cache-Control: no-store',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
