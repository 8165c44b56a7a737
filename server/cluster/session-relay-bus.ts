// The cross-node relay: when a session's two sides are on different nodes, what passes between a
// side's socket and the node running the session (its home) goes through Redis pub/sub on the
// session's own channel. Payloads stay opaque Buffers (page frames are never parsed or
// re-encoded) behind an 18-byte header: direction (to the home, or to the edge node holding the
// socket), operation, and the 16-byte id of the socket. Redis delivers a channel's messages in the
// order one connection published them and each node publishes on one connection, so frames
// arrive in order. Nothing is stored: a side that resumes gets a fresh snapshot instead.
import type { Logger } from 'pino';
import type { RedisLink } from './redis-link.js';

export type TunnelDirection = 'home' | 'edge';
export type TunnelOp = 'open-agent' | 'open-customer' | 'text' | 'binary' | 'close' | 'closed';

export interface TunnelMessage {
  readonly sessionId: string;
  readonly to: TunnelDirection;
  readonly op: TunnelOp;
  /** 32 hex characters: the socket this message is about. */
  readonly conn: string;
  /** The bytes as published: a page frame exactly as sent, UTF-8 JSON, or an op's JSON details. */
  readonly payload: Buffer;
}

const DIRECTIONS: readonly TunnelDirection[] = ['home', 'edge'];
const OPS: readonly TunnelOp[] = ['open-agent', 'open-customer', 'text', 'binary', 'close', 'closed'];
const CHANNEL_PREFIX = 'agentdesk:relay:';
const HEADER_BYTES = 18;

export function relayChannel(sessionId: string): string {
  return `${CHANNEL_PREFIX}${sessionId}`;
}

function decode(sessionId: string, message: Buffer): TunnelMessage | null {
  if (message.length < HEADER_BYTES) return null;
  const to = DIRECTIONS[message[0]! - 1];
  const op = OPS[message[1]! - 1];
  if (!to || !op) return null;
  return { sessionId, to, op, conn: message.toString('hex', 2, HEADER_BYTES), payload: message.subarray(HEADER_BYTES) };
}

export class SessionRelayBus {
  readonly #link: RedisLink;
  readonly #logger: Logger;
  readonly #handlers = new Map<string, (message: TunnelMessage) => void>();

  constructor(link: RedisLink, logger: Logger) {
    this.#link = link;
    this.#logger = logger;
    link.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const name = channel.toString('latin1');
      if (!name.startsWith(CHANNEL_PREFIX)) return;
      const sessionId = name.slice(CHANNEL_PREFIX.length);
      const handler = this.#handlers.get(sessionId);
      if (!handler) return;
      const decoded = decode(sessionId, message);
      if (!decoded) {
        this.#logger.warn({ sessionId }, 'ignored an unreadable cross-node relay message');
        return;
      }
      handler(decoded);
    });
  }

  /** Starts hearing a session's channel (this node is its home or holds one of its sockets). */
  async listen(sessionId: string, handler: (message: TunnelMessage) => void): Promise<void> {
    const first = !this.#handlers.has(sessionId);
    this.#handlers.set(sessionId, handler);
    if (first) await this.#link.subscriber.subscribe(relayChannel(sessionId));
  }

  async stop(sessionId: string): Promise<void> {
    if (!this.#handlers.delete(sessionId)) return;
    await this.#link.subscriber.unsubscribe(relayChannel(sessionId)).catch(() => {});
  }

  listening(sessionId: string): boolean {
    return this.#handlers.has(sessionId);
  }

  /**
   * Publishes; resolves with whether any node heard it. Rejects while Redis is away: the caller
   * drops the frame (a resumed side gets a fresh snapshot).
   */
  async send(sessionId: string, to: TunnelDirection, op: TunnelOp, conn: string, payload: Buffer | string = ''): Promise<boolean> {
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const message = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    message[0] = DIRECTIONS.indexOf(to) + 1;
    message[1] = OPS.indexOf(op) + 1;
    message.write(conn, 2, 16, 'hex');
    body.copy(message, HEADER_BYTES);
    return (await this.#link.command.publish(relayChannel(sessionId), message)) > 0;
  }
}
