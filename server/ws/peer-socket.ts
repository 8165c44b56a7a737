// What every accepted socket shares: JSON sends, a cap on bytes buffered toward a slow reader,
// the bad-frame counter, the heartbeat flag and a close that cannot hang.
import type { WebSocket } from 'ws';
import { errorBody, type ErrorCode } from '../../common/errors.js';
import type { NetLimits } from '../limits.js';

/** Close codes the server uses (RFC 6455 and the application range 4000-4999). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  PolicyViolation: 1008,
  TooBig: 1009,
  TryAgainLater: 1013,
  TokenRotated: 4001,
  /** The agent's access token expired on an open connection and no renewed one was presented, or a renewal was refused. */
  IdentityEnded: 4003,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

type PeerLimits = Pick<NetLimits, 'maxBufferedBytes' | 'badFramesBeforeClose' | 'shutdownDrainMs'>;

export class PeerSocket {
  /** Set by every pong; cleared by every heartbeat ping. */
  alive = true;
  #badFrames = 0;
  #closing = false;

  constructor(
    readonly ws: WebSocket,
    readonly address: string,
    private readonly limits: PeerLimits,
  ) {
    ws.on('pong', () => {
      this.alive = true;
    });
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN && !this.#closing;
  }

  sendJson(message: object): void {
    this.send(JSON.stringify(message), false);
  }

  sendError(code: ErrorCode): void {
    this.sendJson({ type: 'error', ...errorBody(code) });
  }

  /**
   * Sends unless the reader is too far behind: page frames cannot be dropped (later incremental
   * events depend on earlier ones), so a reader over the cap is closed with 1013 instead.
   */
  send(data: string | Buffer, binary: boolean): boolean {
    if (!this.open) return false;
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (this.ws.bufferedAmount + size > this.limits.maxBufferedBytes) {
      this.close(CloseCode.TryAgainLater, 'PEER_TOO_SLOW');
      return false;
    }
    this.ws.send(data, { binary });
    return true;
  }

  /** Answers a frame the server cannot use; the socket stays usable until too many arrive. */
  badFrame(): void {
    this.#badFrames += 1;
    if (this.#badFrames >= this.limits.badFramesBeforeClose) {
      this.close(CloseCode.PolicyViolation, 'MESSAGE_TOO_MANY_INVALID');
      return;
    }
    this.sendError('MESSAGE_INVALID');
  }

  /** Closes with a code and the error code as reason; a peer that does not answer is cut off. */
  close(code: CloseCode, reason: ErrorCode | ''): void {
    if (this.#closing) return;
    this.#closing = true;
    if (this.ws.readyState === this.ws.CLOSED) return;
    this.ws.close(code, reason);
    const timer = setTimeout(() => this.ws.terminate(), this.limits.shutdownDrainMs);
    timer.unref();
    this.ws.once('close', () => clearTimeout(timer));
  }
}
