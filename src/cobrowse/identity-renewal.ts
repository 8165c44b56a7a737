import { z } from 'zod';
import { refreshAtFor } from '../auth/refresh-schedule.js';

const timeClaims = z.object({ exp: z.number().finite().optional(), iat: z.number().finite().optional() });

/**
 * `exp` and `iat` (epoch ms) of our own access token, read without verifying it: the server does
 * that; here they only time the renewal. Decoded by hand to keep the packaged app's dependency
 * list to what it already has (jose would be one more package in app/package.json for 3 lines).
 */
function claimsOf(accessToken: string): { exp: number | undefined; iat: number | undefined } {
  const payload = accessToken.split('.')[1];
  if (payload === undefined) return { exp: undefined, iat: undefined };
  try {
    const parsed = timeClaims.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!parsed.success) return { exp: undefined, iat: undefined };
    const { exp, iat } = parsed.data;
    return { exp: exp === undefined ? undefined : exp * 1000, iat: iat === undefined ? undefined : iat * 1000 };
  } catch {
    return { exp: undefined, iat: undefined };
  }
}

/**
 * When to present a renewed access token on an open link: `marginMs` after the sign-in service's
 * own renewal time for a token of this lifetime (refresh-schedule.ts), so the token asked for then
 * is a fresh one (`iat` is whole seconds and the service counts from when it received the token).
 * Null when the token is not a JWT with `exp` (the server then gave the link no deadline we know).
 */
export function renewalDelayMs(accessToken: string, now: number, marginMs: number): number | null {
  const { exp, iat } = claimsOf(accessToken);
  if (exp === undefined) return null;
  const issuedAt = iat ?? now;
  const at = refreshAtFor(issuedAt, exp - issuedAt);
  return at === null ? null : Math.max(0, at + marginMs - now);
}

/**
 * When to ask again after the sign-in service handed back the same token (not refreshed yet):
 * after `retryMs`, or sooner when less than twice that is left; null once the token has expired
 * (the server ends the link then, and the next try signs its handshake with a fresh token).
 */
export function renewalRetryMs(accessToken: string, now: number, retryMs: number): number | null {
  const { exp } = claimsOf(accessToken);
  if (exp === undefined || exp <= now) return null;
  return Math.min(retryMs, Math.floor((exp - now) / 2));
}
