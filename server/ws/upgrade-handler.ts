// Every WebSocket handshake passes here. Refusals happen BEFORE the upgrade, as plain HTTP
// answers with a JSON `{code,message}` body, so no session ever starts for a refused peer.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { ErrorCode } from '../../common/errors.js';
import { AGENT_TOKEN_HEADER } from '../../common/protocol.js';
import { pathOf } from '../http/http-handler.js';
import { allowedOrigin } from '../http/origin-policy.js';
import { refuseUpgrade } from '../http/responses.js';
import type { NetLimits } from '../limits.js';
import type { NetMetrics } from '../metrics/net-metrics.js';
import { admitAgentToken } from '../policy/agent-token-policy.js';
import type { AuthFailureLimiter } from '../policy/auth-failure-limiter.js';
import type { Clock } from '../policy/clock.js';
import type { OidcVerifier } from '../policy/oidc-verifier.js';
import type { AgentTokenSource, ServerConfig } from '../types.js';
import type { AgentAdmissionInfo, SessionHub } from './session-hub.js';

export interface UpgradeDeps {
  readonly config: ServerConfig;
  readonly limits: NetLimits;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: NetMetrics;
  readonly agentToken: AgentTokenSource;
  readonly authLimiter: AuthFailureLimiter;
  readonly oidc: OidcVerifier | null;
  /** Where accepted sockets go: the hub, or in cluster mode the router in front of it. */
  readonly hub: { addAgent(...args: Parameters<SessionHub['addAgent']>): unknown; addCustomer(...args: Parameters<SessionHub['addCustomer']>): unknown };
  readonly isShuttingDown: () => boolean;
}

type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export function createUpgradeHandler(deps: UpgradeDeps): UpgradeHandler {
  const { limits } = deps;
  const agentWss = new WebSocketServer({ noServer: true, maxPayload: limits.agentMaxPayloadBytes, perMessageDeflate: false });
  const customerWss = new WebSocketServer({ noServer: true, maxPayload: limits.customerMaxPayloadBytes, perMessageDeflate: false });

  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (deps.isShuttingDown()) {
      refuseUpgrade(socket, 503, 'SERVER_SHUTTING_DOWN');
      return;
    }
    const path = pathOf(req.url);
    if (path === '/cobrowse/agent') {
      handleAgent(deps, agentWss, req, socket, head).catch((err: unknown) => {
        deps.logger.error({ err }, 'agent handshake failed');
        refuseUpgrade(socket, 500, 'SERVER_INTERNAL_ERROR');
      });
    } else if (path === '/cobrowse/customer') {
      handleCustomer(deps, customerWss, req, socket, head);
    } else {
      refuseUpgrade(socket, 404, 'HTTP_NOT_FOUND');
    }
  };
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  AGENT_TOKEN_INVALID: 401,
  AGENT_TOKEN_REQUIRED: 503,
  AGENT_IDENTITY_MISSING: 401,
  AGENT_IDENTITY_INVALID: 401,
  AGENT_IDENTITY_EXPIRED: 401,
  AGENT_IDENTITY_WRONG_AUDIENCE: 401,
  AGENT_IDENTITY_WRONG_TYPE: 401,
  AGENT_IDENTITY_WRONG_CLIENT: 401,
  AGENT_IDENTITY_UNAVAILABLE: 503,
};

async function handleAgent(
  deps: UpgradeDeps,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const address = req.socket.remoteAddress ?? 'unknown';
  const gate = deps.authLimiter.gate(address);
  if (gate.kind === 'locked') {
    deps.metrics.agentAuth('AGENT_AUTH_LOCKED_OUT');
    warnThrottled(deps, address, 'AGENT_AUTH_LOCKED_OUT', 'agent refused: address locked out after repeated failures');
    refuseUpgrade(socket, 429, 'AGENT_AUTH_LOCKED_OUT', { 'Retry-After': String(gate.retryAfterSec) });
    return;
  }

  // A token in the query string is never read: only the header counts.
  const admission = admitAgentToken(deps.agentToken.state(), req.headers[AGENT_TOKEN_HEADER], deps.config.agentAuth, deps.clock());
  if (admission.kind === 'refused') {
    // A missing server token under `required` is the operator's doing, not a guess.
    if (admission.code === 'AGENT_TOKEN_INVALID') deps.authLimiter.recordFailure(address);
    await refuseAgent(deps, socket, address, admission.code, gate.delayMs);
    return;
  }

  let identity: AgentAdmissionInfo['identity'] = null;
  let identityExpiresAt: number | null = null;
  if (deps.oidc) {
    const verified = await deps.oidc.verify(req.headers.authorization);
    if (!verified.ok) {
      if (verified.code !== 'AGENT_IDENTITY_UNAVAILABLE') deps.authLimiter.recordFailure(address);
      deps.logger.debug({ code: verified.code, detail: verified.detail, remote: address }, 'agent identity check failed');
      await refuseAgent(deps, socket, address, verified.code, gate.delayMs);
      return;
    }
    identity = verified.identity;
    identityExpiresAt = verified.expiresAt;
  }

  if (admission.kind === 'accepted-without-auth' && admission.warning) {
    warnThrottled(deps, address, admission.warning, 'agent sent a token but none is configured: admitted without agent authentication');
  }
  const info: AgentAdmissionInfo =
    admission.kind === 'accepted-with-token'
      ? { agentAuth: 'token', identity, identityExpiresAt, tokenDigest: admission.tokenDigest }
      : { agentAuth: 'none', identity, identityExpiresAt, tokenDigest: null };
  deps.metrics.agentAuth(info.agentAuth === 'token' ? 'accepted_token' : 'accepted_none');
  wss.handleUpgrade(req, socket, head, (ws) => {
    deps.hub.addAgent(ws, address, info);
    deps.logger.info({ remote: address, agentAuth: info.agentAuth, sub: identity?.sub }, 'agent connected');
  });
}

async function refuseAgent(deps: UpgradeDeps, socket: Duplex, address: string, code: ErrorCode, delayMs: number): Promise<void> {
  deps.metrics.agentAuth(code);
  warnThrottled(deps, address, code, 'agent refused');
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  refuseUpgrade(socket, STATUS[code] ?? 401, code);
}

/** One warning per address and code per window; the count of the quiet ones rides on the next. */
function warnThrottled(deps: UpgradeDeps, address: string, code: ErrorCode, msg: string): void {
  const decision = deps.authLimiter.logDecision(`${code} ${address}`);
  if (!decision.log) return;
  const fields: Record<string, unknown> = { code, remote: address };
  if (decision.suppressedBefore > 0) fields.suppressedSinceLastWarning = decision.suppressedBefore;
  deps.logger.warn(fields, msg);
}

function handleCustomer(deps: UpgradeDeps, wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const address = req.socket.remoteAddress ?? 'unknown';
  // Browsers always send Origin on WebSocket handshakes; checking it stops cross-site hijacking.
  const origin = allowedOrigin(req.headers.origin, deps.config.customerOrigins);
  if (!origin) {
    deps.logger.warn({ code: 'ORIGIN_NOT_ALLOWED', origin: String(req.headers.origin ?? ''), remote: address }, 'customer socket from a foreign origin refused');
    refuseUpgrade(socket, 403, 'ORIGIN_NOT_ALLOWED');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    deps.hub.addCustomer(ws, address, origin);
  });
}
