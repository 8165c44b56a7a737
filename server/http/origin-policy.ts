// Customer pages may only use the server from the origins the operator lists: this is what stops
// another site from creating sessions or opening the customer socket in a visitor's browser.
import type { Headers } from './responses.js';

/** The request's Origin if it is one of the allowed origins (exact match), else null. */
export function allowedOrigin(origin: string | string[] | undefined, allowed: readonly string[]): string | null {
  if (typeof origin !== 'string') return null;
  return allowed.includes(origin) ? origin : null;
}

export function corsHeaders(origin: string): Headers {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}
