// A map whose entries expire in whole generations: the current and the previous generation are
// kept, and rotating drops the older one at once. Expiry never scans keys, so many keys cost
// memory (bounded by maxKeys per generation) but no CPU per event. window-counter.ts and the
// auth limiter's lockouts use it; a Redis implementation of their interfaces replaces it (issue 14).
import type { Clock } from './clock.js';

export class GenerationalMap<V> {
  #current = new Map<string, V>();
  #previous = new Map<string, V>();
  #rotatedAt: number;
  readonly #generationMs: number;
  readonly #maxKeys: number;
  readonly #clock: Clock;

  /** An entry must not need to live longer than `generationMs` after it was last set. */
  constructor(generationMs: number, maxKeys: number, clock: Clock) {
    this.#generationMs = generationMs;
    this.#maxKeys = maxKeys;
    this.#clock = clock;
    this.#rotatedAt = clock();
  }

  get(key: string): V | undefined {
    this.#rotate();
    return this.#current.get(key) ?? this.#previous.get(key);
  }

  /** Whether setting `key` now would be refused because the current generation is full. */
  full(key: string): boolean {
    this.#rotate();
    return !this.#current.has(key) && this.#current.size >= this.#maxKeys;
  }

  /** False when the current generation is full; `force` sets anyway (one reserved key). */
  set(key: string, value: V, force = false): boolean {
    if (!force && this.full(key)) return false;
    this.#previous.delete(key);
    this.#current.set(key, value);
    return true;
  }

  delete(key: string): void {
    this.#current.delete(key);
    this.#previous.delete(key);
  }

  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  #rotate(): void {
    const now = this.#clock();
    const age = now - this.#rotatedAt;
    if (age < this.#generationMs) return;
    this.#previous = age >= 2 * this.#generationMs ? new Map() : this.#current;
    this.#current = new Map();
    this.#rotatedAt = now;
  }
}
