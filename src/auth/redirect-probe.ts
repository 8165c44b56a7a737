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
export async function probeAuthorizationUrl(url: string): Promise<ProbeVerdict> {
  try {
    const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(REDIRECT_PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.status === 400 ? 'refused' : 'accepted';
  } catch {
    return 'unknown';
  }
}
