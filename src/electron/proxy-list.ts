// The answer of Electron's session.resolveProxy (the system's proxy settings, PAC scripts
// included) for one URL, in PAC form: "DIRECT", "PROXY host:port", "HTTPS host:port",
// "SOCKS5 host:port", several separated by ";" in the order to try.

export type ProxyRoute = { readonly kind: 'direct' } | { readonly kind: 'http' | 'https'; readonly host: string; readonly port: number };

const DEFAULT_PORTS = { PROXY: 80, HTTPS: 443 } as const;

/** The first entry the co-browse socket can use: DIRECT, or an HTTP(S) proxy it can CONNECT through. SOCKS entries are skipped. */
export function firstUsableRoute(pac: string): ProxyRoute | null {
  for (const raw of pac.split(';')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [type, address] = entry.split(/\s+/, 2);
    const kind = type?.toUpperCase();
    if (kind === 'DIRECT') return { kind: 'direct' };
    if ((kind === 'PROXY' || kind === 'HTTPS') && address !== undefined) {
      const parsed = parseHostPort(address, DEFAULT_PORTS[kind]);
      if (parsed !== null) return { kind: kind === 'PROXY' ? 'http' : 'https', ...parsed };
    }
  }
  return null;
}

function parseHostPort(address: string, defaultPort: number): { host: string; port: number } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+)(?::(\d{1,5}))?$/.exec(address);
  if (match === null) return null;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** The URL to ask about: Chromium resolves the proxy of a WebSocket as that of its http(s) twin. */
export function proxyLookupUrl(socketUrl: string): string {
  const url = new URL(socketUrl);
  if (url.protocol === 'wss:') url.protocol = 'https:';
  else if (url.protocol === 'ws:') url.protocol = 'http:';
  return url.href;
}
