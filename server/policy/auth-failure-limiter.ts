// Failed agent handshakes are counted per client address AND per credential presented (a keyed
// digest, never the credential). Behind a proxy or a contact center's NAT many agents share one
// address, so an address lockout refuses only the failing pattern: a credential that itself failed
// too often is refused without a check, while a locked address still gets its credentials checked
// (slowly) and an agent presenting the right ones is admitted. Guessing a 26-digit token or forging
// a signed access token is hopeless anyway; the lockout bounds the work and the noise.
// Failures and locks are counted by the counters given: shared by a cluster's nodes (so guesses
// spread over the nodes are locked out as fast as on one) or this process's own.
import { createHmac, randomBytes } from 'node:crypto';
import type { NetLimits } from '../limits.js';
import type { Clock } from './clock.js';
import { localCounters, type CounterFactory, type WindowCount } from './window-counter.js';

export type AuthGate =
  | { readonly kind: 'open'; readonly delayMs: number; readonly addressLocked: false }
  /** The address is locked: wrong credentials are answered 429 (after the delay), right ones pass. */
  | { readonly kind: 'open'; readonly delayMs: number; readonly addressLocked: true; readonly retryAfterSec: number }
  /** This credential failed too often: refused without being looked at. */
  | { readonly kind: 'locked'; readonly retryAfterSec: number };

type LimiterLimits = Pick<
  NetLimits,
  'authFailureWindowMs' | 'authFailuresBeforeSlowdown' | 'authSlowdownDelayMs' | 'authFailuresBeforeLockout' | 'authLockoutMs' | 'counterMaxKeys'
>;

/** A keyed digest of what an agent presented: equal credentials give equal keys in this process only. */
export class CredentialKeys {
  readonly #key = randomBytes(32);

  of(...presented: readonly (string | string[] | undefined)[]): string {
    const hmac = createHmac('sha256', this.#key);
    for (const part of presented) hmac.update(`${Array.isArray(part) ? part.join(',') : (part ?? '')}\u0000`);
    return `cred:${hmac.digest('base64url')}`;
  }
}

export class AuthFailureLimiter {
  readonly #failures: WindowCount;
  /** One event per lock: a key (address or credential) is locked while its window (authLockoutMs) lasts. */
  readonly #locks: WindowCount;
  readonly #limits: LimiterLimits;

  constructor(limits: LimiterLimits, clock: Clock, counters: CounterFactory = localCounters(clock, limits.counterMaxKeys)) {
    this.#limits = limits;
    this.#failures = counters('auth-failures', limits.authFailureWindowMs);
    this.#locks = counters('auth-lockouts', limits.authLockoutMs);
  }

  /** Asked before credentials are looked at. `credential` comes from CredentialKeys. */
  gate(address: string, credential: string): AuthGate {
    const credentialLock = this.#lockLeft(credential);
    if (credentialLock > 0) return { kind: 'locked', retryAfterSec: credentialLock };
    const slowed = Math.max(this.#failures.count(address), this.#failures.count(credential)) >= this.#limits.authFailuresBeforeSlowdown;
    const delayMs = slowed ? this.#limits.authSlowdownDelayMs : 0;
    const addressLock = this.#lockLeft(address);
    if (addressLock > 0) return { kind: 'open', delayMs: this.#limits.authSlowdownDelayMs, addressLocked: true, retryAfterSec: addressLock };
    return { kind: 'open', delayMs, addressLocked: false };
  }

  /** Records a refused handshake against both; each is locked once it reaches the threshold. */
  recordFailure(address: string, credential: string): void {
    for (const key of [address, credential]) {
      if (this.#failures.add(key) < this.#limits.authFailuresBeforeLockout) continue;
      // Only the first lock of a window counts: a lock heard from another node is not renewed here.
      if (this.#locks.count(key) === 0) this.#locks.add(key);
      this.#failures.delete(key);
    }
  }

  /** Seconds left on the lock of `key` (0 when not locked). */
  #lockLeft(key: string): number {
    if (this.#locks.count(key) === 0) return 0;
    return Math.max(1, Math.ceil(this.#locks.msUntilReset(key) / 1000));
  }
}
