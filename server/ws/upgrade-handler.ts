// Every WebSocket handshake passes here. Refusals happen BEFORE the upgrade, as plain HTTP
// answers with a JSON `{code,message}` body, so no session ever starts for a refused peer.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { ErrorCode } from '../../common/errors.js';
import { AGENT_TOKEN_HEADER } from '../../common/protocol.js';
import { limitKey, type ClientAddresses } from '../http/client-address.js';
import { pathOf } from '../http/http-handler.js';
import { allowedOrigin } from '../http/origin-policy.js';
import { refuseUpgrade } from '../http/responses.js';
import type { NetLimits } from '../limits.js';
import { clip } from '../log/clip.js';
import type { RefusalLog } from '../log/refusal-log.js';
import type { NetMetrics } from '../metrics/net-metrics.js';
import { admitAgentToken } from '../policy/agent-token-policy.js';
import { CredentialKeys, type AuthFailureLimiter } from '../policy/auth-failure-limiter.js';
import type { Clock } from '../policy/clock.js';
import type { OidcVerifier } from '../policy/oidc-verifier.js';
import type { AgentTokenSource, ServerConfig } from '../types.js';
import { PreHelloGuard } from './pre-hello-guard.js';
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
  readonly addresses: ClientAddresses;
  readonly refusals: RefusalLog;
}

/** What the handler keeps across handshakes. */
interface HandshakeState {
  readonly credentials: CredentialKeys;
  readonly preHello: PreHelloGuard;
  /** Open WebSockets per client (limit key) that came through a trusted proxy. */
  readonly proxiedSockets: Map<string, number>;
}

type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export function createUpgradeHandler(deps: UpgradeDeps): UpgradeHandler {
  const { limits } = deps;
  const agentWss = new WebSocketServer({ noServer: true, maxPayload: limits.agentMaxPayloadBytes, perMessageDeflate: false });
  const customerWss = new WebSocketServer({ noServer: true, maxPayload: limits.customerMaxPayloadBytes, perMessageDeflate: false });
  const state: HandshakeState = { credentials: new CredentialKeys(), preHello: new PreHelloGuard(limits), proxiedSockets: new Map() };

  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (deps.isShuttingDown()) {
      refuseUpgrade(socket, 503, 'SERVER_SHUTTING_DOWN');
      return;
    }
    const path = pathOf(req.url);
    if ((path === '/cobrowse/agent' || path === '/cobrowse/customer') && !admitProxiedSocket(deps, state, req, socket)) return;
    if (path === '/cobrowse/agent') {
      handleAgent(deps, state, agentWss, req, socket, head).catch((err: unknown) => {
        deps.logger.error({ err }, 'agent handshake failed');
        refuseUpgrade(socket, 500, 'SERVER_INTERNAL_ERROR');
      });
    } else if (path === '/cobrowse/customer') {
      handleCustomer(deps, state, customerWss, req, socket, head);
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

/**
 * Through a trusted proxy every client shares the proxy's connections, so the per-address
 * connection cap (connection-limits.ts) is applied here, per forwarded client, to open sockets.
 */
function admitProxiedSocket(deps: UpgradeDeps, state: HandshakeState, req: IncomingMessage, socket: Duplex): boolean {
  if (!deps.addresses.isTrustedPeer(req.socket.remoteAddress ?? '')) return true;
  const key = limitKey(deps.addresses.of(req));
  const open = state.proxiedSockets.get(key) ?? 0;
  if (open >= deps.limits.maxConnectionsPerAddress) {
    deps.metrics.refused('SERVER_TOO_MANY_CONNECTIONS_FROM_ADDRESS');
    deps.refusals.refused('SERVER_TOO_MANY_CONNECTIONS_FROM_ADDRESS', { remote: key }, 'socket refused: too many open sockets from this client');
    refuseUpgrade(socket, 503, 'SERVER_TOO_MANY_CONNECTIONS_FROM_ADDRESS');
    return false;
  }
  state.proxiedSockets.set(key, open + 1);
  socket.once('close', () => {
    const left = (state.proxiedSockets.get(key) ?? 1) - 1;
    if (left <= 0) state.proxiedSockets.delete(key);
    else state.proxiedSockets.set(key, left);
  });
  return true;
}

async function handleAgent(
  deps: UpgradeDeps,
  state: HandshakeState,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const address = limitKey(deps.addresses.of(req));
  // What this agent presents, as a keyed digest: failures are counted per address and per
  // credential, and a credential that failed too often is refused without a check.
  const credential = state.credentials.of(req.headers[AGENT_TOKEN_HEADER], req.headers.authorization);
  const gate = deps.authLimiter.gate(address, credential);
  if (gate.kind === 'locked') {
    deps.metrics.agentAuth('AGENT_AUTH_LOCKED_OUT');
    deps.refusals.refused('AGENT_AUTH_LOCKED_OUT', { remote: address }, 'agent refused: these credentials failed repeatedly');
    refuseUpgrade(socket, 429, 'AGENT_AUTH_LOCKED_OUT', { 'Retry-After': String(gate.retryAfterSec) });
    return;
  }
  // A locked address still has its credentials checked: an agent with the right ones behind the
  // same NAT as a guesser is admitted; wrong ones hear the lockout, after the slowdown.
  const refuse = async (code: ErrorCode): Promise<void> => {
    if (gate.addressLocked) await refuseAgent(deps, socket, address, 'AGENT_AUTH_LOCKED_OUT', gate.delayMs, { 'Retry-After': String(gate.retryAfterSec) });
    else await refuseAgent(deps, socket, address, code, gate.delayMs);
  };

  // A token in the query string is never read: only the header counts.
  const admission = admitAgentToken(deps.agentToken.state(), req.headers[AGENT_TOKEN_HEADER], deps.config.agentAuth, deps.clock());
  if (admission.kind === 'refused') {
    // A missing server token under `required` is the operator's doing, not a guess.
    if (admission.code === 'AGENT_TOKEN_INVALID') deps.authLimiter.recordFailure(address, credential);
    await refuse(admission.code);
    return;
  }

  let identity: AgentAdmissionInfo['identity'] = null;
  let identityExpiresAt: number | null = null;
  if (deps.oidc) {
    const verified = await deps.oidc.verify(req.headers.authorization);
    if (!verified.ok) {
      if (verified.code !== 'AGENT_IDENTITY_UNAVAILABLE') deps.authLimiter.recordFailure(address, credential);
      deps.logger.debug({ code: verified.code, detail: clip(verified.detail), remote: address }, 'agent identity check failed');
      await refuse(verified.code);
      return;
    }
    identity = verified.identity;
    identityExpiresAt = verified.expiresAt;
  }

  if (admission.kind === 'accepted-without-auth' && admission.warning) {
    deps.refusals.refused(admission.warning, { remote: address }, 'agent sent a token but none is configured: admitted without agent authentication');
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

async function refuseAgent(
  deps: UpgradeDeps,
  socket: Duplex,
  address: string,
  code: ErrorCode,
  delayMs: number,
  headers: Record<string, string> = {},
): Promise<void> {
  deps.metrics.agentAuth(code);
  deps.refusals.refused(code, { remote: address }, 'agent refused');
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  refuseUpgrade(socket, STATUS[code] ?? (code === 'AGENT_AUTH_LOCKED_OUT' ? 429 : 401), code, headers);
}

function handleCustomer(deps: UpgradeDeps, state: HandshakeState, wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const address = limitKey(deps.addresses.of(req));
  // Browsers always send Origin on WebSocket handshakes; checking it stops cross-site hijacking.
  const origin = allowedOrigin(req.headers.origin, deps.config.customerOrigins);
  if (!origin) {
    deps.metrics.refused('ORIGIN_NOT_ALLOWED');
    deps.refusals.refused('ORIGIN_NOT_ALLOWED', { origin: clip(req.headers.origin), remote: address }, 'customer socket from a foreign origin refused');
    refuseUpgrade(socket, 403, 'ORIGIN_NOT_ALLOWED');
    return;
  }
  if (!state.preHello.hasRoom()) {
    deps.metrics.refused('CUSTOMER_TOO_MANY_WAITING');
    deps.refusals.refused('CUSTOMER_TOO_MANY_WAITING', { remote: address, waiting: state.preHello.waiting }, 'customer socket refused: too many waiting for their hello');
    refuseUpgrade(socket, 503, 'CUSTOMER_TOO_MANY_WAITING');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    // Counted from here on the raw socket; ws has already taken `head`, which counts too.
    const helloAccepted = state.preHello.watch(socket, head, () => {
      deps.metrics.refused('PAGE_FRAME_TOO_LARGE');
      deps.refusals.refused('PAGE_FRAME_TOO_LARGE', { remote: address, before: 'hello' }, 'customer socket cut: too many bytes before its hello');
    });
    deps.hub.addCustomer(ws, address, origin, helloAccepted);
  });
}
