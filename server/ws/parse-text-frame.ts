import type { z } from 'zod';
import { parseJsonText } from '../../common/parse-json.js';

/** Parses a JSON text frame with its schema at the edge; null when it is not JSON or not valid. */
export function parseTextFrame<T extends z.ZodType>(data: Buffer, schema: T): z.infer<T> | null {
  const parsed = parseJsonText<z.infer<T>>(data.toString('utf8'), schema);
  return parsed.ok ? parsed.value : null;
}
