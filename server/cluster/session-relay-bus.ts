// The cross-node relay: when a session's customer and agent are on different nodes, what one side
// sends reaches the other through Redis pub/sub on the session's own channel. Payloads stay opaque
// Buffers (page frames are never parsed or re-encoded here) behind a 2-byte header: the side the
// message is for and whether it is a binary page frame or a text (JSON) message. Redis delivers a
// channel's messages in the order one connection published them, and each node publishes on one
// connection, so a side sees the other's messages in order. Nothing is stored: a side that
// resumes gets a fresh snapshot instead. Same-node sessions never come here.
import type { Logger } from 'pino';
import type { RedisLink } from './redis-link.js';

export type RelaySide = 'agent' | 'customer';
export type RelayKind = 'frame' | 'text';

export interface RelayedMessage {
  readonly sessionId: string;
  readonly to: RelaySide;
  readonly kind: RelayKind;
  /** The bytes as published: a page frame exactly as the customer sent it, or UTF-8 JSON. */
  readonly payload: Buffer;
}

const SIDE_BYTE: Readonly<Record<RelaySide, number>> = { agent: 1, customer: 2 };
const KIND_BYTE: Readonly<Record<RelayKind, number>> = { frame: 1, text: 2 };
const CHANNEL_PREFIX = 'agentdesk:relay:';

export function relayChannel(sessionId: string): string {
  return `${CHANNEL_PREFIX}${sessionId}`;
}

function decode(sessionId: string, message: Buffer): RelayedMessage | null {
  if (message.length < 2) return null;
  const to = message[0] === SIDE_BYTE.agent ? 'agent' : message[0] === SIDE_BYTE.customer ? 'customer' : null;
  const kind = message[1] === KIND_BYTE.frame ? 'frame' : message[1] === KIND_BYTE.text ? 'text' : null;
  if (!to || !kind) return null;
  return { sessionId, to, kind, payload: message.subarray(2) };
}

export class SessionRelayBus {
  readonly #link: RedisLink;
  readonly #logger: Logger;
  readonly #handlers = new Map<string, (message: RelayedMessage) => void>();

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

  /** Starts hearing a session's channel (this node holds one of its sides). Resolves once subscribed. */
  async listen(sessionId: string, handler: (message: RelayedMessage) => void): Promise<void> {
    const first = !this.#handlers.has(sessionId);
    this.#handlers.set(sessionId, handler);
    if (first) await this.#link.subscriber.subscribe(relayChannel(sessionId));
  }

  /** Stops hearing it (this node holds no side of it any more). */
  async stop(sessionId: string): Promise<void> {
    if (!this.#handlers.delete(sessionId)) return;
    await this.#link.subscriber.unsubscribe(relayChannel(sessionId)).catch(() => {});
  }

  listening(): number {
    return this.#handlers.size;
  }

  /**
   * Publishes to the other side's node. Resolves with whether any node heard it (0 listeners: the
   * side is away, or its node died; the grace and resume take it from there). Rejects while Redis
   * is away; the caller drops the frame (the resumed side gets a fresh snapshot).
   */
  async send(sessionId: string, to: RelaySide, kind: RelayKind, payload: Buffer | string): Promise<boolean> {
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const header = Buffer.from([SIDE_BYTE[to], KIND_BYTE[kind]]);
    const heard = await this.#link.command.publish(relayChannel(sessionId), Buffer.concat([header, body], body.length + 2));
    return heard > 0;
  }
}
