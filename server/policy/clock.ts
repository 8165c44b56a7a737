/** Milliseconds since the epoch. Injected so tests can move time (expiry, grace, lockout). */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
