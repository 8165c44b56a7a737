import type { Clock } from './clock.js';

interface Window {
  start: number;
  count: number;
}

/** Counts events per key in fixed windows (per address, per connection). Stale keys are pruned. */
export class WindowCounter {
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
