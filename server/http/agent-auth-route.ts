import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentAuthDocument } from '../../common/agent-auth.js';
import type { ServerConfig } from '../types.js';
import { sendJson } from './responses.js';

/** GET /cobrowse/rest/agent-auth: what this server checks of an agent (common/agent-auth.ts). Nothing secret. */
export function agentAuthRoute(_req: IncomingMessage, res: ServerResponse, deps: { readonly config: ServerConfig }): void {
  const { oidc, agentAuth } = deps.config;
  const body: AgentAuthDocument = oidc
    ? { identity: 'required', agentToken: agentAuth, issuer: oidc.issuer, audience: oidc.audience, ...(oidc.clientIds ? { clientIds: [...oidc.clientIds] } : {}) }
    : { identity: 'none', agentToken: agentAuth };
  // Read before every connection attempt; a changed configuration applies at once.
  sendJson(res, 200, body, { 'cache-control': 'no-store' });
}
