// What the hub holds in cluster mode instead of a real socket: it behaves as a `ws` WebSocket
// (send, close, ping, events) and hands each call to a sink. On the home node of a session whose
// socket is on another node the sink relays through Redis; for a socket on this node it writes to
// the real socket. Either way the cluster router keeps the real socket's heartbeat, so pings here
// are answered at once; the slow-reader cap uses the real socket's buffer where it is local.
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';

export interface VirtualSocketSink {
  send(data: Buffer | string, binary: boolean): void;
  close(code: number, reason: string): void;
  /** Bytes waiting toward the real reader, when the real socket is on this node. */
  bufferedAmount?(): number;
}

export class VirtualSocket extends EventEmitter {
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 1;
  readonly #sink: VirtualSocketSink;

  constructor(sink: VirtualSocketSink) {
    super();
    this.#sink = sink;
  }

  get bufferedAmount(): number {
    return this.#sink.bufferedAmount?.() ?? 0;
  }

  /** The shape the hub holds; every member it uses exists here. */
  asWebSocket(): WebSocket {
    return this as unknown as WebSocket;
  }

  send(data: Buffer | string, options?: { binary?: boolean }): void {
    if (this.readyState !== this.OPEN) return;
    this.#sink.send(data, options?.binary ?? typeof data !== 'string');
  }

  ping(): void {
    queueMicrotask(() => this.emit('pong'));
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState !== this.OPEN) return;
    this.readyState = this.CLOSING;
    this.#sink.close(code, reason);
  }

  terminate(): void {
    if (this.readyState === this.CLOSED) return;
    this.#sink.close(1006, '');
    this.closed(1006);
  }

  /** The real socket is gone (the edge said so, or its node died). */
  closed(code: number): void {
    if (this.readyState === this.CLOSED) return;
    this.readyState = this.CLOSED;
    this.emit('close', code, Buffer.alloc(0));
  }

  /** A message from the real socket. */
  received(data: Buffer, isBinary: boolean): void {
    if (this.readyState === this.OPEN) this.emit('message', data, isBinary);
  }
}
