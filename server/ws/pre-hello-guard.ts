// A customer socket before its hello: at most customerPreHelloBytes counted on the raw socket as
// the bytes arrive (an unfinished 8 MiB frame is cut long before ws has buffered it), and at most
// maxPreHelloSockets such sockets at once. The hub calls the release once the hello is accepted.
import type { Duplex } from 'node:stream';
import type { NetLimits } from '../limits.js';

type GuardLimits = Pick<NetLimits, 'customerPreHelloBytes' | 'maxPreHelloSockets'>;

export class PreHelloGuard {
  #waiting = 0;
  readonly #limits: GuardLimits;

  constructor(limits: GuardLimits) {
    this.#limits = limits;
  }

  get waiting(): number {
    return this.#waiting;
  }

  /** Whether one more socket may wait for its hello. */
  hasRoom(): boolean {
    return this.#waiting < this.#limits.maxPreHelloSockets;
  }

  /**
   * Starts counting `socket`'s bytes (`head` included); `onOverflow` runs once, when the allowance
   * is used up, and the socket is destroyed. Returns the release to call after a valid hello.
   */
  watch(socket: Duplex, head: Buffer, onOverflow: () => void): () => void {
    this.#waiting += 1;
    let bytes = head.length;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#waiting -= 1;
      socket.off('data', onData);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes <= this.#limits.customerPreHelloBytes) return;
      release();
      onOverflow();
      socket.destroy();
    };
    socket.on('data', onData);
    socket.once('close', release);
    return release;
  }
}
