// Picks this app's OAuth callback URL out of launch arguments. The OS passes a custom-scheme URL
// as an argument (Windows, Linux) among arguments the app does not control, in no reliable order;
// only an argument that is, in full, a URL with one of our callback bases is taken, so a crafted
// link can never smuggle a flag in (the argv-injection class of CVE-2018-1000006).
import { redirectBaseOf } from '../auth/callback-url.js';
import { CALLBACK_URL_MAX_LENGTH } from '../limits.js';

/** `scheme:/path` bases of the custom-scheme redirect URIs the configured providers use. */
export function callbackBases(redirectUris: readonly string[]): Set<string> {
  const bases = new Set<string>();
  for (const uri of redirectUris) {
    if (URL.canParse(uri)) bases.add(redirectBaseOf(new URL(uri)));
  }
  return bases;
}

/** The first argument that is a callback URL for one of `bases`, or null. Never throws. */
export function findCallbackUrl(argv: readonly unknown[], bases: ReadonlySet<string>): string | null {
  for (const arg of argv) {
    if (typeof arg !== 'string' || arg.length > CALLBACK_URL_MAX_LENGTH) continue;
    // A custom scheme is letters first; flags ("--x=…"), paths and quoted strings fail here.
    // Redirects never carry a fragment (RFC 6749 §3.1.2).
    if (!/^[a-z][a-z0-9+.-]*:/i.test(arg) || /[\s#]/.test(arg) || !URL.canParse(arg)) continue;
    const url = new URL(arg);
    if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'file:') continue;
    if (bases.has(redirectBaseOf(url))) return arg;
  }
  return null;
}
