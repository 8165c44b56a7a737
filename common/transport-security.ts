// The one rule for where the desktop may send secrets (the agent token, access tokens, page
// frames): over TLS anywhere, in clear only to this machine. Used by the server URL (settings,
// administrator, the channel itself) and by sign-in providers' URLs.

/** A URL hostname (as `new URL().hostname` gives it) that names this machine only. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The parts of a URL the rule looks at (a WHATWG URL has them). */
export interface UrlParts {
  readonly protocol: string;
  readonly hostname: string;
}

/** Whether `url` keeps what is sent to it private: https/wss anywhere, http/ws to this machine only. */
export function isPrivateTransport(url: UrlParts): boolean {
  if (url.protocol === 'https:' || url.protocol === 'wss:') return true;
  return (url.protocol === 'http:' || url.protocol === 'ws:') && isLoopbackHostname(url.hostname);
}

/**
 * The same for a URL string (common code has no URL class in every build): scheme and host are
 * read with a pattern; anything it cannot read, or reads as not loopback, counts as not private.
 */
export function isPrivateTransportUrl(raw: string): boolean {
  const match = /^([a-z][a-z0-9+.-]*:)\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)/i.exec(raw.trim());
  return match !== null && isPrivateTransport({ protocol: match[1]!.toLowerCase(), hostname: match[2]! });
}
