// What the mirror of the customer's page may load: resources of the session's customer origin and
// of the origins the server's config lists for assets, nothing else. The customer's markup names
// any URL it likes (images, fonts, CSS url(), srcset, stylesheets, media); fetching them from the
// agent's machine would tell that host the agent's address and timing, and aim blind GETs at hosts
// on the agent's network. A Content-Security-Policy <meta> is put into the mirror's document
// before rrweb builds anything there: the browser then refuses every other fetch, whatever element,
// attribute or CSS rule asks for it, and the policy stays for the document's life (rrweb's
// rebuild of each snapshot reopens the same document). Why a policy and not URL rewriting or a
// proxy: docs/SECURITY.md.

/** Keeps only well-formed http(s) origins: a source list must never carry `;`, spaces or paths. */
export function resourceOrigins(candidates: readonly (string | null | undefined)[]): string[] {
  const kept: string[] = [];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      const url = new URL(candidate);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === candidate && !kept.includes(url.origin)) kept.push(url.origin);
    } catch {
      // Not an origin: left out.
    }
  }
  return kept;
}

export function mirrorPolicy(origins: readonly string[]): string {
  const from = origins.join(' ');
  const directives: [string, string][] = [
    ['default-src', "'none'"],
    ['img-src', `${from} data: blob:`],
    ['media-src', `${from} data: blob:`],
    ['font-src', `${from} data:`],
    // rrweb rebuilds the page's styles as <style> elements and style attributes.
    ['style-src', `${from} 'unsafe-inline'`],
    ['script-src', "'none'"],
    ['object-src', "'none'"],
    ['frame-src', "'none'"],
    ['connect-src', "'none'"],
    ['worker-src', "'none'"],
    ['manifest-src', "'none'"],
    ['form-action', "'none'"],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.trim()}`).join('; ');
}

/** Puts the policy into the mirror document; call before any of the customer's page is built in it. */
export function applyMirrorPolicy(doc: Document, origins: readonly string[]): void {
  const meta = doc.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = mirrorPolicy(origins);
  const head = doc.head ?? doc.documentElement?.appendChild(doc.createElement('head'));
  if (!head) throw new Error('the mirror document has no head for its resource policy');
  head.append(meta);
}
