import type { Clock } from '../../../../src/auth/clock.js';

/** A clock that only moves when the test says so; timers fire in order as it passes them. */
export class FakeClock implements Clock {
  #now: number;
  #timers: { at: number; fn: () => void; id: number }[] = [];
  #nextId = 0;

  constructor(start = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const id = this.#nextId++;
    this.#timers.push({ at: this.#now + ms, fn, id });
    return () => {
      this.#timers = this.#timers.filter((t) => t.id !== id);
    };
  }

  /** Moves time forward, firing due timers one by one (each may schedule more). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t.id !== due.id);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = target;
  }

  /** How many timers are waiting, and when the next one is due (ms from now). */
  pending(): { count: number; nextInMs: number | null } {
    const next = this.#timers.map((t) => t.at).sort((a, b) => a - b)[0];
    return { count: this.#timers.length, nextInMs: next === undefined ? null : next - this.#now };
  }
}
