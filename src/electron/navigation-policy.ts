// What the main window may navigate to and which links leave for the system browser. The window
// never navigates away from app://agentdesk and never opens another window; a link the agent
// clicks is handed to the system browser only when it points at a host the agent configured.
import { isAppUrl } from './app-protocol.js';

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', '[::1]', 'localhost']);

function parse(raw: string): URL | null {
  if (!URL.canParse(raw)) return null;
  const url = new URL(raw);
  return url.username === '' && url.password === '' ? url : null;
}

export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_HOSTNAMES.has(hostname.toLowerCase());
}

/** True for a page of the renderer bundle itself (a reload); every other navigation is refused. */
export function isAppNavigation(raw: string): boolean {
  return isAppUrl(raw);
}

/**
 * An https URL (or http on loopback, for development identity providers) with no user info: what
 * the sign-in service may open in the system browser. Returns the normalised URL or null.
 */
export function signInBrowserUrl(raw: string): string | null {
  const url = parse(raw);
  if (url === null) return null;
  if (url.protocol === 'https:') return url.href;
  if (url.protocol === 'http:' && isLoopbackHostname(url.hostname)) return url.href;
  return null;
}

/**
 * The link the agent clicked, if it may be opened in the system browser: https to a host (and
 * port) of one of `configuredUrls` (the co-browse server and the providers' issuers), or http to
 * such a host when it is a loopback address. Returns the normalised URL or null.
 */
export function externalLinkUrl(raw: string, configuredUrls: readonly string[]): string | null {
  const url = parse(raw);
  if (url === null) return null;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHostname(url.hostname))) return null;
  const allowed = configuredUrls.some((configured) => {
    const known = parse(configured);
    return known !== null && known.protocol === url.protocol && known.host === url.host;
  });
  return allowed ? url.href : null;
}

/** The URLs whose hosts the agent configured: the co-browse server and each provider's issuer. */
export function configuredUrls(settings: { readonly serverUrl: string | null; readonly providers: readonly { readonly issuer: string }[] }): string[] {
  return [...(settings.serverUrl === null ? [] : [settings.serverUrl]), ...settings.providers.map((p) => p.issuer)];
}
