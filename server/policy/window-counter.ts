import type { Clock } from './clock.js';

interface Window {
  start: number;
  count: number;
}

/**
 * What a limit needs of its counter: in this process (WindowCounter) or shared by a cluster's
 * nodes (server/cluster/shared-window-counter.ts), so a limit per client address holds across nodes.
 */
export interface WindowCount {
  count(key: string): number;
  add(key: string): number;
  msUntilReset(key: string): number;
  delete(key: string): void;
}

/** Makes the counter for one limit; `name` tells shared counters apart (e.g. "auth-failures"). */
export type CounterFactory = (name: string, windowMs: number) => WindowCount;

/** One process's counters: what a single node runs with. */
export function localCounters(clock: Clock): CounterFactory {
  return (_name, windowMs) => new WindowCounter(windowMs, clock);
}

/** Counts events per key in fixed windows (per address, per connection). Stale keys are pruned. */
export class WindowCounter implements WindowCount {
  readonly #windows = new Map<string, Window>();
  readonly #windowMs: number;
  readonly #clock: Clock;

  constructor(windowMs: number, clock: Clock) {
    this.#windowMs = windowMs;
    this.#clock = clock;
  }

  /** Events counted for `key` in the current window. */
  count(key: string): number {
    return this.#current(key)?.count ?? 0;
  }

  /** Counts one event and returns the new count in the current window. */
  add(key: string): number {
    const now = this.#clock();
    let window = this.#current(key);
    if (!window) {
      if (this.#windows.size > 1000) this.#prune(now);
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return window.count;
  }

  /** Milliseconds until the window of `key` ends (0 when it has none). */
  msUntilReset(key: string): number {
    const window = this.#current(key);
    return window ? Math.max(0, window.start + this.#windowMs - this.#clock()) : 0;
  }

  delete(key: string): void {
    this.#windows.delete(key);
  }

  #current(key: string): Window | undefined {
    const window = this.#windows.get(key);
    if (window && this.#clock() - window.start >= this.#windowMs) {
      this.#windows.delete(key);
      return undefined;
    }
    return window;
  }

  #prune(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.#windowMs) this.#windows.delete(key);
    }
  }
}
