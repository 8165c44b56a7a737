// Refusals are logged at most a few lines per kind per window, whoever causes them: an attacker
// spraying addresses or headers cannot turn refusals into a log flood. The count of the lines held
// back rides on the next line of that kind, and every refusal is still counted in the metrics.
import type { Logger } from 'pino';
import type { Clock } from '../policy/clock.js';
import { LOG_LIMITS } from '../limits.js';

export class RefusalLog {
  readonly #windows = new Map<string, { start: number; logged: number; suppressed: number }>();
  readonly #logger: Logger;
  readonly #clock: Clock;

  constructor(logger: Logger, clock: Clock) {
    this.#logger = logger;
    this.#clock = clock;
  }

  /** Logs a refusal of kind `code` at warn (or the given level) unless its window is used up. */
  refused(code: string, fields: Record<string, unknown>, msg: string, level: 'warn' | 'info' = 'warn'): void {
    const now = this.#clock();
    let window = this.#windows.get(code);
    if (!window || now - window.start >= LOG_LIMITS.refusalWindowMs) {
      // Kinds are our own error codes, a fixed small set: this map cannot grow with the attack.
      window = { start: now, logged: 0, suppressed: window?.suppressed ?? 0 };
      this.#windows.set(code, window);
    }
    if (window.logged >= LOG_LIMITS.refusalLinesPerWindow) {
      window.suppressed += 1;
      return;
    }
    window.logged += 1;
    const line: Record<string, unknown> = { code, ...fields };
    if (window.suppressed > 0) line.suppressedSinceLastWarning = window.suppressed;
    window.suppressed = 0;
    this.#logger[level](line, msg);
  }
}
