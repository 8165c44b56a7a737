// The Content Security Policy both shells send with every renderer response (app:// in Electron,
// the browser shell's local server). It repeats the renderer's own <meta> policy
// (renderer/index.html, kept equal by test/unit/electron/content-security-policy.test.ts) and adds
// what only a header can carry: `frame-ancestors` is ignored in a <meta> element.

/**
 * Directive → sources. Readonly so no caller can widen the policy at run time.
 *
 * The customer's page is mirrored in an about:blank iframe, which inherits this policy: rrweb
 * rebuilds the page's stylesheets as <style> elements and its style attributes as attributes, so
 * styles need 'unsafe-inline' (styles cannot run code; scripts stay 'self' only and the iframe has
 * no allow-scripts), and the page's images and fonts come from the customer's site.
 */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['default-src', ["'self'"]],
  ['script-src', ["'self'"]],
  ['style-src', ["'self'", "'unsafe-inline'"]],
  ['img-src', ["'self'", 'data:', 'blob:', 'http:', 'https:']],
  ['font-src', ["'self'", 'data:', 'http:', 'https:']],
  // The renderer talks to the main process over IPC (Electron) or its own origin's socket (the
  // browser shell); nothing it fetches leaves its origin.
  ['connect-src', ["'self'"]],
  ['object-src', ["'none'"]],
  ['base-uri', ["'none'"]],
  ['form-action', ["'none'"]],
  ['frame-ancestors', ["'none'"]],
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');

/** Splits a policy string into directive → sources (lower-case names, first occurrence wins, as browsers do). */
export function parseContentSecurityPolicy(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    const key = name.toLowerCase();
    if (!directives.has(key)) directives.set(key, sources);
  }
  return directives;
}
