// Repeated failed agent handshakes from one address are first slowed, then refused outright for a
// while (429), and the warnings they cause are logged once per window instead of once per attempt.
// Failures and locks are counted by the counters given (shared by a cluster's nodes, so an
// attacker spreading guesses over the nodes is locked out as fast as on one); the log decision
// stays per node.
import type { NetLimits } from '../limits.js';
import type { Clock } from './clock.js';
import { localCounters, WindowCounter, type CounterFactory, type WindowCount } from './window-counter.js';

export type AuthGate =
  | { readonly kind: 'open'; readonly delayMs: number }
  | { readonly kind: 'locked'; readonly retryAfterSec: number };

type LimiterLimits = Pick<
  NetLimits,
  'authFailureWindowMs' | 'authFailuresBeforeSlowdown' | 'authSlowdownDelayMs' | 'authFailuresBeforeLockout' | 'authLockoutMs'
>;

export class AuthFailureLimiter {
  readonly #failures: WindowCount;
  /** One event per lock: an address is locked while its window (authLockoutMs) lasts. */
  readonly #locks: WindowCount;
  readonly #logged: WindowCounter;
  readonly #suppressed = new Map<string, number>();
  readonly #limits: LimiterLimits;

  constructor(limits: LimiterLimits, clock: Clock, counters: CounterFactory = localCounters(clock)) {
    this.#limits = limits;
    this.#failures = counters('auth-failures', limits.authFailureWindowMs);
    this.#locks = counters('auth-lockouts', limits.authLockoutMs);
    this.#logged = new WindowCounter(limits.authFailureWindowMs, clock);
  }

  /** Asked before credentials are looked at: a locked address is refused without a check. */
  gate(address: string): AuthGate {
    if (this.#locks.count(address) > 0) return { kind: 'locked', retryAfterSec: Math.max(1, Math.ceil(this.#locks.msUntilReset(address) / 1000)) };
    const failures = this.#failures.count(address);
    return { kind: 'open', delayMs: failures >= this.#limits.authFailuresBeforeSlowdown ? this.#limits.authSlowdownDelayMs : 0 };
  }

  /** Records a refused handshake; the address is locked once it reaches the lockout threshold. */
  recordFailure(address: string): void {
    const failures = this.#failures.add(address);
    if (failures >= this.#limits.authFailuresBeforeLockout) {
      // Only the first lock of a window counts: a lock heard from another node is not renewed here.
      if (this.#locks.count(address) === 0) this.#locks.add(address);
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
    // Suppressed counts only ride on a later warning; dropping old ones loses a number, not a warning.
    if (this.#suppressed.size > 1000) this.#suppressed.clear();
    this.#suppressed.set(address, (this.#suppressed.get(address) ?? 0) + 1);
    return { log: false };
  }
}
