// GET /cobrowse/rest/history/sessions/{id}: one session's audit record, for administrators only.
// The administrator key (option admin.apiKey) comes as `Authorization: Bearer KEY`; the store
// compares salted digests in constant time. Authentication is checked before the id is looked
// at, so nobody learns which sessions exist without the key.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { NetLimits } from '../limits.js';
import type { RefusalLog } from '../log/refusal-log.js';
import type { WindowCount } from '../policy/window-counter.js';
import type { AdminKeyCheck } from '../store/admin-key-store.js';
import type { AuditLog } from '../store/audit-store.js';
import { limitKey, type ClientAddresses } from './client-address.js';
import { sendError, sendJson } from './responses.js';

export const HISTORY_PREFIX = '/cobrowse/rest/history/sessions/';
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CHALLENGE = { 'www-authenticate': 'Bearer realm="agentdesk-admin"' };

export interface HistoryDeps {
  readonly limits: NetLimits;
  readonly logger: Logger;
  readonly audit: AuditLog;
  readonly adminKey: AdminKeyCheck;
  /** Failed administrator keys per address, locked out like agent handshakes. */
  readonly adminFailures: WindowCount;
  readonly addresses: ClientAddresses;
  readonly refusals: RefusalLog;
}

/**
 * Answers 429/401/403 and returns false unless the request carries the administrator key; wrong
 * keys are counted per client address and lock it out like agent handshakes.
 */
export function adminAuthorized(req: IncomingMessage, res: ServerResponse, deps: HistoryDeps, address: string): boolean {
  if (deps.adminFailures.count(address) >= deps.limits.authFailuresBeforeLockout) {
    const retryAfter = Math.max(1, Math.ceil(deps.adminFailures.msUntilReset(address) / 1000));
    sendError(res, 429, 'AGENT_AUTH_LOCKED_OUT', { 'retry-after': String(retryAfter) });
    return false;
  }
  const header = req.headers.authorization;
  if (header === undefined || header === '') {
    sendError(res, 401, 'ADMIN_AUTH_MISSING', CHALLENGE);
    return false;
  }
  const bearer = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  const verdict = deps.adminKey(bearer?.[1] ?? '');
  if (verdict === 'not-configured') {
    sendError(res, 403, 'ADMIN_API_DISABLED');
    return false;
  }
  if (verdict === 'invalid' || !bearer) {
    deps.adminFailures.add(address);
    deps.refusals.refused('ADMIN_AUTH_INVALID', { remote: address }, 'administrator request with a wrong key');
    sendError(res, 401, 'ADMIN_AUTH_INVALID', CHALLENGE);
    return false;
  }
  return true;
}

export function historyRoute(req: IncomingMessage, res: ServerResponse, deps: HistoryDeps, path: string): void {
  const address = limitKey(deps.addresses.of(req));
  if (!adminAuthorized(req, res, deps, address)) return;
  const id = path.slice(HISTORY_PREFIX.length);
  if (!SESSION_ID.test(id)) {
    sendError(res, 404, 'HISTORY_SESSION_UNKNOWN');
    return;
  }
  // The PostgreSQL store answers asynchronously; a database that cannot be reached is a 503.
  Promise.resolve(deps.audit.history(id, deps.limits.historyMaxEvents)).then(
    (history) => {
      if (!history) {
        sendError(res, 404, 'HISTORY_SESSION_UNKNOWN');
        return;
      }
      deps.logger.info({ sessionId: id, remote: address }, 'session history read by an administrator');
      sendJson(res, 200, history);
    },
    (err: unknown) => {
      deps.logger.error({ err: err instanceof Error ? err.message : String(err), sessionId: id }, 'cannot read the session history');
      sendError(res, 503, 'SERVER_DURABLE_STORE_UNREACHABLE');
    },
  );
}
