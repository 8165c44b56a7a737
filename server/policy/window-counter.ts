// Fixed-window event counters per key (address, credential, connection, session). The interface
// is what the limits need: this process's counter (WindowCounter) or one shared by a cluster's
// nodes (server/cluster/shared-window-counter.ts), so a limit per client address holds across nodes.
import type { Clock } from './clock.js';
import { GenerationalMap } from './generational-map.js';

export interface WindowCount {
  /** Counts one event and returns the new count in the key's current window. */
  add(key: string): number;
  /** Events counted for `key` in its current window. */
  count(key: string): number;
  /** Milliseconds until the window of `key` ends (0 when it has none). */
  msUntilReset(key: string): number;
  delete(key: string): void;
}

interface Window {
  readonly start: number;
  count: number;
}

/**
/**
 * Keys past `maxKeys` in one window share this one: when an attacker sprays fresh keys, the
 * overflow is still counted (and limited) together instead of growing memory without bound.
 */
export const OVERFLOW_KEY = '\u0000overflow';

/** Makes the counter for one limit; `name` tells shared counters apart (e.g. "auth-failures"). */
export type CounterFactory = (name: string, windowMs: number) => WindowCount;

/** One process's counters: what a single node runs with. */
export function localCounters(clock: Clock, maxKeys?: number): CounterFactory {
  return (_name, windowMs) => new WindowCounter(windowMs, clock, maxKeys);
}

/**
 * A key's window starts at its first event and lasts `windowMs`. Windows live in a
 * GenerationalMap of the same length, so expired ones are dropped a generation at a time.
 */
export class WindowCounter implements WindowCount {
  readonly #windows: GenerationalMap<Window>;
  readonly #windowMs: number;
  readonly #clock: Clock;

  constructor(windowMs: number, clock: Clock, maxKeys = 100_000) {
    this.#windowMs = windowMs;
    this.#clock = clock;
    this.#windows = new GenerationalMap(windowMs, maxKeys, clock);
  }

  count(key: string): number {
    return this.#windowOf(key)?.count ?? 0;
  }

  add(key: string): number {
    const existing = this.#windowOf(key);
    if (existing) {
      existing.count += 1;
      return existing.count;
    }
    const fresh: Window = { start: this.#clock(), count: 1 };
    if (!this.#windows.set(key, fresh)) this.#windows.set(OVERFLOW_KEY, fresh, true);
    return 1;
  }

  msUntilReset(key: string): number {
    const window = this.#windowOf(key);
    return window ? Math.max(0, window.start + this.#windowMs - this.#clock()) : 0;
  }

  delete(key: string): void {
    this.#windows.delete(key);
  }

  /** The key's live window; a key that cannot get its own (the map is full) shares the overflow one. */
  #windowOf(key: string): Window | undefined {
    const own = this.#live(key);
    if (own || !this.#windows.full(key)) return own;
    return this.#live(OVERFLOW_KEY);
  }

  #live(key: string): Window | undefined {
    const window = this.#windows.get(key);
    if (!window) return undefined;
    if (this.#clock() - window.start >= this.#windowMs) {
      this.#windows.delete(key);
      return undefined;
    }
    return window;
  }
}
