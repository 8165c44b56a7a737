import { z } from 'zod';
import type { UiError } from '../../common/api.js';
import { foreignErrorBody } from '../../common/errors.js';

/**
 * What the channel does after the server refused the WebSocket upgrade with an HTTP status:
 * - `terminal`: retrying with the same settings cannot help (wrong agent token, policy `required`
 *   without a server token, wrong URL); the channel stops in `failed` until the agent acts.
 * - `identity`: the agent's sign-in was refused; the access token is refreshed before each try, so
 *   a few tries are worth it, then it is terminal (limits.maxIdentityRefusals).
 * - `retry`: the server is busy, shutting down or locked us out for a while; back off and retry,
 *   no sooner than `retryAfterMs` when the server said so.
 */
export type RefusalAction = 'terminal' | 'identity' | 'retry';

export interface Refusal {
  readonly action: RefusalAction;
  readonly error: UiError;
  readonly status: number;
  readonly retryAfterMs: number | null;
}

// Codes the co-browse server answers a refused agent handshake with (docs/ERRORS.md). They are
// matched as strings so the desktop classifies them even when talking to a newer server.
const TERMINAL_CODES: ReadonlySet<string> = new Set(['AGENT_TOKEN_INVALID', 'AGENT_TOKEN_REQUIRED']);
const IDENTITY_CODES: ReadonlySet<string> = new Set([
  'AGENT_IDENTITY_MISSING',
  'AGENT_IDENTITY_INVALID',
  'AGENT_IDENTITY_EXPIRED',
  'AGENT_IDENTITY_WRONG_AUDIENCE',
  'AGENT_IDENTITY_WRONG_TYPE',
  'AGENT_IDENTITY_WRONG_CLIENT',
]);

const refusalBodySchema = z.object({ code: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/), message: z.string().max(500) });

function parseBody(body: string, contentType: string | undefined): { code: string; message: string } | null {
  if (!contentType?.toLowerCase().includes('json')) return null;
  try {
    const parsed = refusalBodySchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`; null when absent or unusable. */
export function parseRetryAfter(header: string | undefined, now: number): number | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (/^\d{1,9}$/.test(value)) return Number(value) * 1000;
  // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT" (Date.parse alone would take "-5" as a year).
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return null;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

function uiError(code: string, serverMessage: string | undefined): UiError {
  return foreignErrorBody(code, serverMessage, 'COBROWSE_REFUSED');
}

/** Classifies a refused upgrade from its status, its `{code, message}` body and Retry-After. */
export function classifyRefusal(input: {
  readonly status: number;
  readonly contentType?: string | undefined;
  readonly body: string;
  readonly retryAfter?: string | undefined;
  readonly now: number;
}): Refusal {
  const { status } = input;
  const body = parseBody(input.body, input.contentType);
  const retryAfterMs = parseRetryAfter(input.retryAfter, input.now);
  const code = body?.code;

  if (code !== undefined && TERMINAL_CODES.has(code)) {
    return { action: 'terminal', error: uiError(code, body?.message), status, retryAfterMs: null };
  }
  if (code !== undefined && IDENTITY_CODES.has(code)) {
    return { action: 'identity', error: uiError(code, body?.message), status, retryAfterMs: null };
  }
  if (status === 429 || status === 408 || status >= 500) {
    const error = code !== undefined ? uiError(code, body?.message) : uiError('COBROWSE_UNREACHABLE', undefined);
    return { action: 'retry', error, status, retryAfterMs };
  }
  if (status === 401 || status === 403) {
    // An auth refusal without a code we know: treat it like an identity problem (refresh, retry a
    // little, then stop) rather than loop forever or give up at once.
    return { action: 'identity', error: code !== undefined ? uiError(code, body?.message) : uiError('COBROWSE_REFUSED', undefined), status, retryAfterMs: null };
  }
  // 404 (wrong server URL or path), 400, 426, redirects: the same request will get the same answer.
  return { action: 'terminal', error: code !== undefined ? uiError(code, body?.message) : uiError('COBROWSE_REFUSED', undefined), status, retryAfterMs: null };
}
