// Repeated failed agent handshakes from one address are first slowed, then refused outright for a
// while (429), and the warnings they cause are logged once per window instead of once per attempt.
import type { NetLimits } from '../limits.js';
import type { Clock } from './clock.js';
import { WindowCounter } from './window-counter.js';

export type AuthGate =
  | { readonly kind: 'open'; readonly delayMs: number }
  | { readonly kind: 'locked'; readonly retryAfterSec: number };

type LimiterLimits = Pick<
  NetLimits,
  'authFailureWindowMs' | 'authFailuresBeforeSlowdown' | 'authSlowdownDelayMs' | 'authFailuresBeforeLockout' | 'authLockoutMs'
>;

export class AuthFailureLimiter {
  readonly #failures: WindowCounter;
  readonly #lockedUntil = new Map<string, number>();
  readonly #logged: WindowCounter;
  readonly #suppressed = new Map<string, number>();
  readonly #limits: LimiterLimits;
  readonly #clock: Clock;

  constructor(limits: LimiterLimits, clock: Clock) {
    this.#limits = limits;
    this.#clock = clock;
    this.#failures = new WindowCounter(limits.authFailureWindowMs, clock);
    this.#logged = new WindowCounter(limits.authFailureWindowMs, clock);
  }

  /** Asked before credentials are looked at: a locked address is refused without a check. */
  gate(address: string): AuthGate {
    const now = this.#clock();
    const until = this.#lockedUntil.get(address);
    if (until !== undefined) {
      if (now < until) return { kind: 'locked', retryAfterSec: Math.ceil((until - now) / 1000) };
      this.#lockedUntil.delete(address);
    }
    const failures = this.#failures.count(address);
    return { kind: 'open', delayMs: failures >= this.#limits.authFailuresBeforeSlowdown ? this.#limits.authSlowdownDelayMs : 0 };
  }

  /** Records a refused handshake; the address is locked once it reaches the lockout threshold. */
  recordFailure(address: string): void {
    const failures = this.#failures.add(address);
    if (failures >= this.#limits.authFailuresBeforeLockout) {
      if (this.#lockedUntil.size > 1000) this.#pruneLocks();
      this.#lockedUntil.set(address, this.#clock() + this.#limits.authLockoutMs);
      this.#failures.delete(address);
    }
  }

  /**
   * Whether a warning about `address` should be written now. The first refusal of a window is
   * logged; the rest are counted, and that count rides on the next logged line.
   */
  logDecision(address: string): { readonly log: true; readonly suppressedBefore: number } | { readonly log: false } {
    const seen = this.#logged.add(address);
    if (seen === 1) {
      const suppressed = this.#suppressed.get(address) ?? 0;
      this.#suppressed.delete(address);
      return { log: true, suppressedBefore: suppressed };
    }
    this.#suppressed.set(address, (this.#suppressed.get(address) ?? 0) + 1);
    return { log: false };
  }

  #pruneLocks(): void {
    const now = this.#clock();
    for (const [address, until] of this.#lockedUntil) if (until <= now) this.#lockedUntil.delete(address);
    // Suppressed counts only ride on a later warning; dropping old ones loses a number, not a warning.
    if (this.#suppressed.size > 1000) this.#suppressed.clear();
  }
}
