// "JSON text → schema-checked value" at a trust boundary, written once. The schema is anything with
// zod's safeParse (a zod or zod/mini schema), so this file imports nothing.

/** What a schema must offer: zod's `safeParse`. */
export interface SafeParser<T> {
  safeParse(value: unknown): { readonly success: true; readonly data: T } | { readonly success: false };
}

export type JsonParse<T> =
  | { readonly ok: true; readonly value: T }
  /** `json`: the parsed value when the text was JSON but the schema refused it, else undefined. */
  | { readonly ok: false; readonly json: unknown };

/** Parses `text` as JSON and checks it with `schema`; never throws. */
export function parseJsonText<T>(text: string, schema: SafeParser<T>): JsonParse<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, json: undefined };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, json };
}
