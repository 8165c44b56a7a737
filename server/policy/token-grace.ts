// The rotation grace's deadline, for every AgentTokenSource: the one timer that fires when a
// previous token stops being valid, on the one injected clock, so that listeners (the hub's
// token-rotation check) hear the end of the grace as a change like any other.
import type { AgentTokenState } from '../types.js';
import type { Clock } from './clock.js';

// setTimeout cannot wait longer than 2^31-1 ms; a longer grace is re-armed when this fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The state as of `now`: a previous token whose grace has ended is already gone. */
export function tokenStateAsOf(state: AgentTokenState, now: number): AgentTokenState {
  return state.previous && state.previous.validUntil <= now ? { current: state.current, previous: null } : state;
}

export interface GraceDeadline {
  /** Arms the timer for this state's previous token (or disarms it when there is none). */
  arm(state: AgentTokenState): void;
  cancel(): void;
}

/** Calls `onDeadline` once the previous token of the last armed state has expired by `clock`. */
export function graceDeadline(clock: Clock, onDeadline: () => void): GraceDeadline {
  let timer: NodeJS.Timeout | undefined;
  return {
    arm(state) {
      clearTimeout(timer);
      timer = undefined;
      if (!state.previous) return;
      const wait = Math.min(Math.max(state.previous.validUntil - clock(), 0), MAX_TIMER_MS);
      timer = setTimeout(onDeadline, wait);
      timer.unref();
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
