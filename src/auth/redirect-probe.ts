import type { DesktopFetch } from '../desktop-port.js';
import { REDIRECT_PROBE_TIMEOUT_MS } from '../limits.js';

export type ProbeVerdict = 'refused' | 'accepted' | 'unknown';

/**
 * Asks the provider's authorization endpoint, without cookies and without following redirects,
 * whether it would take this request. A provider that does not accept the redirect URI answers
 * with an error page (oidc-provider and Keycloak: HTTP 400) before any login, and says nothing to
 * AgentDesk otherwise: the agent would wait for LOGIN_TIMEOUT in front of that page. Only a 400 is
 * taken as a refusal; anything else (a redirect to the login page, a login page, a 403 from a
 * firewall, no answer) lets the sign-in go ahead in the browser as before.
 */
export async function probeAuthorizationUrl(url: string, shellFetch?: DesktopFetch): Promise<ProbeVerdict> {
  // The shell's network stack when it has one (Electron's: system proxy and certificates), like
  // every other request to the provider; Node's fetch otherwise.
  const send: DesktopFetch = shellFetch ?? ((u, init) => fetch(u, init));
  try {
    const response = await send(url, { method: 'GET', headers: {}, body: undefined, redirect: 'manual', signal: AbortSignal.timeout(REDIRECT_PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.status === 400 ? 'refused' : 'accepted';
  } catch {
    return 'unknown';
  }
}
