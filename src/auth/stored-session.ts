import { z } from 'zod';

/**
 * What the keychain holds for one provider + client: the refresh token and the minimum needed to
 * show who is signed in after a restart. Access and ID tokens are never stored.
 */
export const storedSessionSchema = z
  .object({
    v: z.literal(1),
    issuer: z.string().min(1).max(2048),
    client_id: z.string().min(1).max(256),
    refresh_token: z.string().min(1).max(16_384),
    sub: z.string().max(512).nullable(),
    name: z.string().max(256),
    email: z.string().max(320),
    saved_at: z.number().int().nonnegative(),
  })
  .strict();

export type StoredSession = z.infer<typeof storedSessionSchema>;

export function serializeStoredSession(session: StoredSession): string {
  return JSON.stringify(session);
}

/** The stored session, or null when the entry is not one we wrote (it is then ignored). */
export function parseStoredSession(text: string): StoredSession | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = storedSessionSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
