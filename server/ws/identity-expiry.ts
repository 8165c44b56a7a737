// A connection admitted with an access token lives only as long as that token: at its `exp` (plus
// the clock tolerance) the socket is closed with 4003 AGENT_IDENTITY_EXPIRED unless the agent has
// presented a renewed token in an `identity` message, which is verified like a handshake and must
// name the same `sub`. A joined session then goes through the usual agent-away grace, so a desktop
// that reconnects with a fresh sign-in resumes it; one that cannot ends it with that reason.
import type { Logger } from 'pino';
import type { ServerToAgent } from '../../common/protocol.js';
import type { Clock } from '../policy/clock.js';
import type { OidcVerifier } from '../policy/oidc-verifier.js';
import { CloseCode, type PeerSocket } from './peer-socket.js';

// setTimeout's longest delay; a later expiry is re-armed from there.
const MAX_TIMER_MS = 2 ** 31 - 1;

export class IdentityExpiry {
  readonly #peer: PeerSocket;
  readonly #clock: Clock;
  readonly #toleranceMs: number;
  readonly #sub: string;
  #timer: NodeJS.Timeout | null = null;
  #expiresAt: number;

  constructor(options: { peer: PeerSocket; clock: Clock; toleranceMs: number; sub: string; expiresAt: number }) {
    this.#peer = options.peer;
    this.#clock = options.clock;
    this.#toleranceMs = options.toleranceMs;
    this.#sub = options.sub;
    this.#expiresAt = options.expiresAt;
    this.#arm();
  }

  get expiresAt(): number {
    return this.#expiresAt;
  }

  #arm(): void {
    this.stop();
    const delay = this.#expiresAt + this.#toleranceMs - this.#clock();
    this.#timer = setTimeout(() => {
      if (this.#expiresAt + this.#toleranceMs > this.#clock()) this.#arm();
      else this.#peer.close(CloseCode.IdentityEnded, 'AGENT_IDENTITY_EXPIRED');
    }, Math.min(MAX_TIMER_MS, Math.max(0, delay)));
    this.#timer.unref();
  }

  /** Checks a renewed token; on success the connection lasts until its expiry, otherwise it ends now
   *  with the reason (an unreachable issuer only leaves the current deadline in place). */
  async renew(accessToken: string, verifier: OidcVerifier, logger: Logger): Promise<void> {
    const verified = await verifier.verify(`Bearer ${accessToken}`);
    if (!verified.ok && verified.code === 'AGENT_IDENTITY_UNAVAILABLE') {
      // Says nothing against the agent: the link keeps the deadline it had.
      logger.warn({ code: verified.code, detail: verified.detail }, 'agent identity renewal not verified: issuer unreachable');
      return;
    }
    if (!verified.ok) {
      logger.info({ code: verified.code, detail: verified.detail }, 'agent identity renewal refused');
      this.stop();
      this.#peer.close(CloseCode.IdentityEnded, verified.code);
      return;
    }
    if (verified.identity.sub !== this.#sub) {
      logger.warn({ code: 'AGENT_IDENTITY_CHANGED' }, 'agent identity renewal refused: another sub');
      this.stop();
      this.#peer.close(CloseCode.IdentityEnded, 'AGENT_IDENTITY_CHANGED');
      return;
    }
    this.#expiresAt = verified.expiresAt;
    this.#arm();
    this.#peer.sendJson({ type: 'identity-renewed', expiresAt: verified.expiresAt } satisfies ServerToAgent);
    logger.debug({ expiresAt: verified.expiresAt }, 'agent identity renewed');
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
