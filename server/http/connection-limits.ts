// Caps on open connections: in total (never past the open-file limit, so a socket flood gets
// refused connections instead of EMFILE resets for everyone) and per client address; and the
// header/request timeouts answered with 408, as documented, instead of a silent close.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { TLSSocket } from 'node:tls';
import { ERROR_MESSAGES, type ErrorCode } from '../../common/errors.js';
import type { NetLimits } from '../limits.js';
import type { RefusalLog } from '../log/refusal-log.js';
import { limitKey, type ClientAddresses } from './client-address.js';

type ConnectionLimits = Pick<NetLimits, 'maxOpenConnections' | 'reservedFileDescriptors' | 'maxConnectionsPerAddress'>;

/** The soft open-file limit (Linux /proc), or null where it cannot be read. */
export function openFileLimit(): number | null {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line && line[1] !== 'unlimited' ? Number(line[1]) : null;
  } catch {
    return null;
  }
}

export function effectiveMaxConnections(limits: ConnectionLimits, fileLimit: number | null = openFileLimit()): number {
  if (fileLimit === null) return limits.maxOpenConnections;
  return Math.max(16, Math.min(limits.maxOpenConnections, fileLimit - limits.reservedFileDescriptors));
}

function rawAnswer(status: number, code: ErrorCode): string {
  const body = JSON.stringify({ code, message: ERROR_MESSAGES[code] });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Installs the caps on `server`; returns the per-address counts (for metrics and tests). */
export function limitConnections(
  server: Server,
  limits: ConnectionLimits,
  addresses: ClientAddresses,
  refusals: RefusalLog,
  countRefusal: (code: ErrorCode) => void,
): { perAddress: ReadonlyMap<string, number> } {
  server.maxConnections = effectiveMaxConnections(limits);
  server.on('drop', () => {
    countRefusal('SERVER_TOO_MANY_CONNECTIONS');
    refusals.refused('SERVER_TOO_MANY_CONNECTIONS', { max: server.maxConnections }, 'connection refused: the server is at its connection limit');
  });
  const perAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress ?? 'unknown';
    // A trusted proxy carries many clients on its connections; those are counted per client at
    // the WebSocket handshake (upgrade-handler.ts), where the forwarded address is known.
    if (addresses.isTrustedPeer(peer)) return;
    const key = limitKey(peer);
    const open = (perAddress.get(key) ?? 0) + 1;
    if (open > limits.maxConnectionsPerAddress) {
      countRefusal('SERVER_TOO_MANY_CONNECTIONS_FROM_ADDRESS');
      refusals.refused('SERVER_TOO_MANY_CONNECTIONS_FROM_ADDRESS', { remote: key }, 'connection refused: too many open connections from this address');
      if (socket instanceof TLSSocket) socket.destroy();
      else socket.end(rawAnswer(503, 'SERVER_TOO_MANY_CONNECTIONS_FROM_ADDRESS'));
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    perAddress.set(key, open);
    socket.once('close', () => {
      const left = (perAddress.get(key) ?? 1) - 1;
      if (left <= 0) perAddress.delete(key);
      else perAddress.set(key, left);
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Header or request time ran out: say so (408) rather than close silently.
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && socket.writable) {
      countRefusal('HTTP_REQUEST_TIMEOUT');
      socket.end(rawAnswer(408, 'HTTP_REQUEST_TIMEOUT'));
    } else if (err.code === 'HPE_HEADER_OVERFLOW' && socket.writable) {
      socket.end(rawAnswer(431, 'HTTP_HEADERS_TOO_LARGE'));
    }
    socket.destroy();
  });
  return { perAddress };
}
