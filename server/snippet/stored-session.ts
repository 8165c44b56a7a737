// The session a page belongs to, kept in sessionStorage so that the next page of the same tab
// (navigation within the site) resumes it. sessionStorage is per tab and per origin, and is gone
// when the tab closes; the secret in it only lets this tab's pages say hello to this session.
import * as z from 'zod/mini';

const storedSchema = z.strictObject({
  sessionId: z.string().check(z.minLength(1), z.maxLength(64)),
  secret: z.string().check(z.minLength(1), z.maxLength(128)),
  code: z.string().check(z.regex(/^\d{9}$/)),
});
export type StoredSession = z.infer<typeof storedSchema>;

function key(server: string): string {
  return `agentdesk-cobrowse ${server}`;
}

export function loadSession(server: string): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(key(server));
    if (raw === null) return null;
    const parsed = storedSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    // Storage disabled (privacy mode) or garbage: no session to resume.
    return null;
  }
}

export function saveSession(server: string, session: StoredSession): void {
  try {
    sessionStorage.setItem(key(server), JSON.stringify(session));
  } catch {
    // Without storage the session still works on this page; it just cannot follow a navigation.
  }
}

export function forgetSession(server: string): void {
  try {
    sessionStorage.removeItem(key(server));
  } catch {
    // Nothing stored.
  }
}
