/** Time as the sign-in service sees it; tests pass a fake one so expiry needs no real waiting. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` after `ms`; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, ms);
    // A pending refresh or expiry must not keep a shell process alive on its own.
    handle.unref();
    return () => clearTimeout(handle);
  },
};
