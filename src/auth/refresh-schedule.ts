import { REFRESH_BACKOFF_INITIAL_MS, REFRESH_BACKOFF_MAX_MS, REFRESH_MIN_INTERVAL_MS, REFRESH_SKEW_MS } from '../limits.js';

/**
 * When to refresh a token that lives `lifetimeMs` from `receivedAt`: a skew of at most half the
 * lifetime before expiry, and never sooner than the floor. Null when the provider gave no lifetime
 * (the token is then used until something refuses it).
 */
export function refreshAtFor(receivedAt: number, lifetimeMs: number | null): number | null {
  if (lifetimeMs === null) return null;
  const skew = Math.min(REFRESH_SKEW_MS, lifetimeMs / 2);
  return receivedAt + Math.max(REFRESH_MIN_INTERVAL_MS, lifetimeMs - skew);
}

/**
 * The wait before retry number `attempt` (1, 2, ...) after a network failure: a ceiling doubling
 * from REFRESH_BACKOFF_INITIAL_MS up to REFRESH_BACKOFF_MAX_MS, the wait drawn in
 * [ceiling/2, ceiling) ("equal jitter"), and never under the floor between refresh requests.
 */
export function retryDelayMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(REFRESH_BACKOFF_MAX_MS, REFRESH_BACKOFF_INITIAL_MS * 2 ** Math.max(0, attempt - 1));
  return Math.max(REFRESH_MIN_INTERVAL_MS, Math.floor(ceiling / 2 + random() * (ceiling / 2)));
}

/** Statuses that say "not now" rather than "no": 408 Request Timeout and 429 Too Many Requests. */
const TRY_LATER = new Set([408, 429]);

/**
 * True when the token endpoint's answer ends the sign-in: any 4xx but "try later". RFC 6749 §5.2
 * asks for a JSON `error`; providers also answer an empty 400 or an HTML 401, which mean the same.
 */
export function isFinalRefusal(status: number | null): boolean {
  return status !== null && status >= 400 && status < 500 && !TRY_LATER.has(status);
}
