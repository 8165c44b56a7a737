/**
 * The page address as it may be shown and audited: http(s) only, without query, fragment or
 * credentials (they can carry tokens, search terms or personal data). Null when it is not a URL.
 * The snippet strips the same parts; the server does it again because the page is not trusted.
 */
export function pageUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.search = '';
  url.hash = '';
  url.username = '';
  url.password = '';
  return url.href;
}
