import { parseJsonText, type SafeParser } from '../../common/parse-json.js';

/** Parses a JSON text frame with its schema at the edge; null when it is not JSON or not valid. */
export function parseTextFrame<T>(data: Buffer, schema: SafeParser<T>): T | null {
  const parsed = parseJsonText(data.toString('utf8'), schema);
  return parsed.ok ? parsed.value : null;
}
