// Attacker-controlled values (headers, URLs, codes) are logged clipped: a 15 KB Origin header must
// cost a log line a few hundred bytes, not 15 KB.
import { LOG_LIMITS } from '../limits.js';

export function clip(value: unknown, max: number = LOG_LIMITS.valueChars): string {
  const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value);
  return text.length <= max ? text : `${text.slice(0, max)}…(+${text.length - max} chars)`;
}
