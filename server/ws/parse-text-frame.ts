import type { z } from 'zod';

/** Parses a JSON text frame with its schema at the edge; null when it is not JSON or not valid. */
export function parseTextFrame<T extends z.ZodType>(data: Buffer, schema: T): z.infer<T> | null {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
