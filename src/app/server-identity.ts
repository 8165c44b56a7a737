// Identity only where it is asked for: before each connection attempt the desktop reads what the
// co-browse server checks (GET /cobrowse/rest/agent-auth) and hands over the agent's access token
// only when the server asks for one from the agent's own issuer. A server that does not check
// identity, an older server without the route, or one trusting another issuer gets no bearer (for
// the Genesys Cloud preset that token would call Genesys Cloud's API).
import { AGENT_AUTH_PATH, agentAuthDocumentSchema, type AgentAuthDocument } from '../../common/agent-auth.js';
import type { AuthService } from '../auth/auth-service.js';
import type { DesktopFetch } from '../desktop-port.js';
import { AGENT_AUTH_FETCH_TIMEOUT_MS, AGENT_AUTH_MAX_BYTES } from '../limits.js';

export interface ServerIdentityOptions {
  readonly serverUrl: string;
  readonly auth: AuthService;
  /** The shell's network stack (Electron: system proxy and certificates); Node's fetch otherwise. */
  readonly fetch?: DesktopFetch;
}

/** The server's published agent checks, or null when it publishes none (older server) or cannot be read. */
export async function readAgentAuth(serverUrl: string, shellFetch?: DesktopFetch): Promise<AgentAuthDocument | null> {
  const base = serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`;
  const url = new URL(AGENT_AUTH_PATH.slice(1), base).href;
  const send: DesktopFetch = shellFetch ?? ((u, init) => fetch(u, init));
  try {
    const response = await send(url, { method: 'GET', headers: { accept: 'application/json' }, body: undefined, redirect: 'manual', signal: AbortSignal.timeout(AGENT_AUTH_FETCH_TIMEOUT_MS) });
    if (response.status !== 200) {
      await response.body?.cancel();
      return null;
    }
    const text = await response.text();
    if (text.length > AGENT_AUTH_MAX_BYTES) return null;
    const parsed = agentAuthDocumentSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The channel's `getAccessToken`: the agent's token for this server, or null when it did not ask. */
export function accessTokenForServer(options: ServerIdentityOptions): () => Promise<string | null> {
  return async () => {
    if (options.auth.currentAgent().status !== 'signed-in') return null;
    const policy = await readAgentAuth(options.serverUrl, options.fetch);
    if (policy?.identity !== 'required') return null;
    return options.auth.accessTokenFor({ issuer: policy.issuer, audience: policy.audience });
  };
}
