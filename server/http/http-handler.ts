// The HTTP side of the server: auth token generator, health, metrics, session creation, the
// customer snippet and the administrators' session history.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ErrorCode } from '../../common/errors.js';
import type { CreatedSession } from '../../common/protocol.js';
import type { NetLimits } from '../limits.js';
import type { NetMetrics } from '../metrics/net-metrics.js';
import { clip } from '../log/clip.js';
import type { WindowCount } from '../policy/window-counter.js';
import { randomDigits } from '../sessions/random-digits.js';
import type { CreateOutcome } from '../sessions/session-registry.js';
import type { ServerConfig } from '../types.js';
import { AGENT_AUTH_PATH } from '../../common/agent-auth.js';
import { agentAuthRoute } from './agent-auth-route.js';
import { limitKey } from './client-address.js';
import { HISTORY_PREFIX, adminAuthorized, historyRoute, type HistoryDeps } from './history-route.js';
import { readBody } from './read-body.js';
import { createSnippetRoute } from './snippet-route.js';
import { allowedOrigin, corsHeaders } from './origin-policy.js';
import { sendError, sendJson, sendText } from './responses.js';

export interface HttpDeps extends HistoryDeps {
  readonly config: ServerConfig;
  readonly limits: NetLimits;
  readonly logger: Logger;
  readonly metrics: NetMetrics;
  /** Makes a session (the hub: store, this node's live session, audit, metrics). */
  /** Cluster mode adds one refusal: the session's home could not be recorded in Redis. */
  readonly createSession: (customerOrigin: string) => Promise<CreateOutcome | { readonly ok: false; readonly code: 'SERVER_CLUSTER_UNAVAILABLE' }>;
  readonly sessionCreates: WindowCount;
  readonly isShuttingDown: () => boolean;
  /** Cluster mode: why no new session can start on this node now (Redis away), or null. */
  readonly unavailable?: () => ErrorCode | null;
  /** The built customer snippet served at /cobrowse/snippet.js. */
  readonly snippetFile: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, deps: HttpDeps) => void | Promise<void>;

// The session-creation body carries nothing today; it is parsed so that garbage is refused.
const createSessionBody = z.object({}).strict();

const routes: Readonly<Record<string, Readonly<Record<string, Handler>>>> = {
  '/cobrowse/rest/authtoken': { GET: authToken },
  [AGENT_AUTH_PATH]: { GET: agentAuthRoute },
  '/cobrowse/rest/sessions': { POST: createSession, OPTIONS: preflight },
  '/healthz': { GET: (_req, res) => sendJson(res, 200, { status: 'alive' }) },
  '/readyz': { GET: readiness },
  '/metrics': { GET: metricsRoute },
};

const ALWAYS_SERVED = new Set(['/healthz', '/readyz', '/metrics']);

export function createHttpHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const snippet = createSnippetRoute(deps.snippetFile, deps.limits.snippetMaxAgeSec);
  const routeOf = (path: string): Readonly<Record<string, Handler>> | undefined => {
    if (path === '/cobrowse/snippet.js') return { GET: (req, res) => snippet(req, res) };
    if (path.startsWith(HISTORY_PREFIX)) return { GET: (req, res, d) => historyRoute(req, res, d, path) };
    return routes[path];
  };
  return (req, res) => {
    const path = pathOf(req.url);
    const route = path === null ? undefined : routeOf(path);
    if (!route || path === null) {
      sendError(res, 404, 'HTTP_NOT_FOUND');
      return;
    }
    const handler = route[req.method ?? ''];
    if (!handler) {
      sendError(res, 405, 'HTTP_METHOD_NOT_ALLOWED', { allow: Object.keys(route).join(', ') });
      return;
    }
    if (deps.isShuttingDown() && !ALWAYS_SERVED.has(path)) {
      sendError(res, 503, 'SERVER_SHUTTING_DOWN', { connection: 'close' });
      return;
    }
    Promise.resolve(handler(req, res, deps)).catch((err: unknown) => {
      deps.logger.error({ err, path }, 'HTTP handler failed');
      if (!res.headersSent) sendError(res, 500, 'SERVER_INTERNAL_ERROR');
      else res.destroy();
    });
  };
}

/** The path of a request target, or null when it is not a path we could serve. */
export function pathOf(url: string | undefined): string | null {
  if (!url?.startsWith('/')) return null;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function authToken(_req: IncomingMessage, res: ServerResponse): void {
  // Generates only: the operator stores it with `agentdesk-server options set slave.password`.
  sendText(res, 200, randomDigits(26), 'text/plain; charset=utf-8');
}

/**
 * The metrics tell an attacker what hurts (refusal counts, sessions, memory): served without a key
 * only to a scraper on this machine connecting directly (not through a proxy, which could be
 * carrying anyone), else to the administrator key like the history endpoint.
 */
function metricsRoute(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): void {
  const peer = req.socket.remoteAddress ?? '';
  const local = !deps.addresses.isTrustedPeer(peer) && isLoopbackAddress(peer);
  if (!local && !adminAuthorized(req, res, deps, limitKey(deps.addresses.of(req)))) return;
  sendText(res, 200, deps.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
}

function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

function readiness(_req: IncomingMessage, res: ServerResponse, deps: HttpDeps): void {
  const unavailable = deps.unavailable?.() ?? null;
  if (deps.isShuttingDown()) sendError(res, 503, 'SERVER_SHUTTING_DOWN');
  else if (unavailable) sendError(res, 503, unavailable);
  else sendJson(res, 200, { status: 'ready' });
}

function preflight(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): void {
  const origin = allowedOrigin(req.headers.origin, deps.config.customerOrigins);
  if (!origin) {
    sendError(res, 403, 'ORIGIN_NOT_ALLOWED');
    return;
  }
  res.writeHead(204, { ...corsHeaders(origin), 'cache-control': 'no-store' });
  res.end();
}

/** All customers together share this key of the session-creation counter. */
const ALL_CUSTOMERS = '\u0000all';

async function createSession(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  const address = limitKey(deps.addresses.of(req));
  const origin = allowedOrigin(req.headers.origin, deps.config.customerOrigins);
  if (!origin) {
    deps.metrics.refused('ORIGIN_NOT_ALLOWED');
    deps.refusals.refused('ORIGIN_NOT_ALLOWED', { origin: clip(req.headers.origin), remote: address }, 'session creation from a foreign origin refused');
    sendError(res, 403, 'ORIGIN_NOT_ALLOWED');
    return;
  }
  const cors = corsHeaders(origin);
  // Counted here, at admission and before any await: a client that holds its body back has
  // already spent its quota, so parallel held requests cannot all pass the check.
  const refusal = admitSessionCreate(deps, address);
  if (refusal) {
    req.resume();
    deps.metrics.refused(refusal.code);
    deps.refusals.refused(refusal.code, { remote: address }, 'session creation refused: rate limit');
    sendError(res, 429, refusal.code, { ...cors, 'retry-after': String(refusal.retryAfterSec) });
    return;
  }
  const body = await readBody(req, deps.limits.httpBodyBytes);
  if (!body.ok) {
    if (body.reason === 'too-large') sendError(res, 413, 'HTTP_BODY_TOO_LARGE', { ...cors, connection: 'close' });
    else res.destroy();
    return;
  }
  if (body.body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (!createSessionBody.safeParse(parsed).success) {
      sendError(res, 400, 'HTTP_BODY_INVALID', cors);
      return;
    }
  }
  const unavailable = deps.unavailable?.() ?? null;
  if (unavailable) {
    sendError(res, 503, unavailable, cors);
    return;
  }
  const created = await deps.createSession(origin);
  if (!created.ok) {
    sendError(res, 503, created.code, cors);
    return;
  }
  const answer: CreatedSession = {
    sessionId: created.session.id,
    code: created.session.code,
    customerSecret: created.customerSecret,
    expiresAt: new Date(created.session.expiresAt).toISOString(),
  };
  sendJson(res, 201, answer, cors);
}

function admitSessionCreate(deps: HttpDeps, address: string): { code: 'SESSION_CREATE_RATE_LIMITED' | 'SESSION_CREATE_BUSY'; retryAfterSec: number } | null {
  const { sessionCreates, limits } = deps;
  const retryAfter = (key: string): number => Math.max(1, Math.ceil(sessionCreates.msUntilReset(key) / 1000));
  if (sessionCreates.add(address) > limits.sessionCreatesPerWindow) return { code: 'SESSION_CREATE_RATE_LIMITED', retryAfterSec: retryAfter(address) };
  if (sessionCreates.add(ALL_CUSTOMERS) > limits.sessionCreatesTotalPerWindow) return { code: 'SESSION_CREATE_BUSY', retryAfterSec: retryAfter(ALL_CUSTOMERS) };
  return null;
}
