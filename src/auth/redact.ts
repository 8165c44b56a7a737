/**
 * A URL as it may appear in a log: scheme, host, port and path, and the names (never the values)
 * of its query parameters. Codes, states and tokens travel in values.
 */
export function redactUrl(raw: string): string {
  if (!URL.canParse(raw)) return '<unparseable URL>';
  const url = new URL(raw);
  const names = [...new Set(url.searchParams.keys())].map((name) => name.replace(/[^A-Za-z0-9_.-]/g, '?').slice(0, 40));
  const base = `${url.protocol}${url.host ? `//${url.host}` : ''}${url.pathname}`.slice(0, 200);
  return names.length > 0 ? `${base}?${names.map((n) => `${n}=…`).join('&')}` : base;
}

/** Text from an untrusted source, shortened and stripped of control characters, for a log line. */
export function logSafeText(value: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, max);
}
