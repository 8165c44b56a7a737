// Redaction rules for the server log: secrets are removed by field name, and as a last resort any
// run of 26 or more digits (the agent token's shape) is masked in the final JSON line.

export const REDACTED = '[REDACTED]';

/** Header and field names whose values are secrets wherever they appear. */
const SECRET_FIELD_NAMES = new Set(['authorization', 'cookie', 'set-cookie', 'x-cobrowse-agent-token', 'proxy-authorization']);

/** Field names ending like these hold secrets: token, accessToken, customerSecret, password... */
const SECRET_FIELD_SUFFIX = /(token|secret|password|passwd)$/i;

/** Paths pino redacts after its serializers ran (a request serializer may produce `headers`). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-cobrowse-agent-token"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-cobrowse-agent-token"]',
  '*.headers.authorization',
  '*.headers["x-cobrowse-agent-token"]',
];

/** The agent token is 26 digits; a longer run may hide one, so all of it goes. */
const DIGIT_RUN = /\d{26,}/g;

// Logged objects are small; deeper nesting is almost certainly a mistake, and cutting it keeps
// the walk cheap.
const MAX_DEPTH = 8;

export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELD_NAMES.has(name.toLowerCase()) || SECRET_FIELD_SUFFIX.test(name);
}

/** Masks every run of 26 or more digits in a finished log line. */
export function maskDigitRuns(line: string): string {
  return line.replace(DIGIT_RUN, REDACTED);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Returns a copy of a logged object with secret fields replaced, at any depth. Only plain objects
 * and arrays are walked: errors and class instances go to pino's serializers untouched, and the
 * digit mask catches what they print.
 */
export function redactSecretFields(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH || seen.has(value)) return REDACTED;
    seen.add(value);
    return value.map((item) => redactSecretFields(item, depth + 1, seen));
  }
  if (!isPlainObject(value)) return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return REDACTED;
  seen.add(value);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSecretFieldName(key) && inner !== undefined && inner !== null ? REDACTED : redactSecretFields(inner, depth + 1, seen);
  }
  return out;
}
