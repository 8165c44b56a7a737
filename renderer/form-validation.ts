import { agentTokenSchema, providerSettingsSchema, serverUrlSchema, sessionCodeSchema, type ProviderSettings } from '../common/api.js';
import { ERROR_MESSAGES } from '../common/errors.js';
import { isPrivateTransportUrl } from '../common/transport-security.js';

/** A well-formed http:// URL to another machine: refused for being in clear, not for its shape. */
function isInsecureUrl(input: string): boolean {
  const trimmed = input.trim();
  return /^http:\/\//i.test(trimmed) && URL.canParse(trimmed) && !isPrivateTransportUrl(trimmed);
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** The session code as typed ("123 456 789", "123-456-789" or "123456789"), checked before Join. */
export function checkSessionCode(input: string): Checked<string> {
  const parsed = sessionCodeSchema.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: ERROR_MESSAGES.SESSION_CODE_INVALID };
}

/** The co-browse server URL; an empty field means "no server". */
export function checkServerUrl(input: string): Checked<string | null> {
  if (input.trim() === '') return { ok: true, value: null };
  const parsed = serverUrlSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, message: ERROR_MESSAGES[isInsecureUrl(input) ? 'SERVER_URL_INSECURE' : 'SERVER_URL_INVALID'] };
}

/** The agent token as pasted: surrounding spaces are dropped, the rest must be 26 digits. */
export function checkAgentToken(input: string): Checked<string> {
  const parsed = agentTokenSchema.safeParse(input.trim());
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: ERROR_MESSAGES.AGENT_TOKEN_FORMAT_INVALID };
}

/** A provider as edited in Settings: scopes typed space-separated. Names the first bad field. */
export interface ProviderDraft {
  readonly id: string;
  readonly label: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly scopes: string;
  readonly redirect: ProviderSettings['redirect'];
}

const FIELD_NAMES: Readonly<Record<string, string>> = {
  id: 'ID',
  label: 'Name',
  issuer: 'Issuer URL',
  clientId: 'Client ID',
  scopes: 'Scopes',
  redirect: 'Redirect',
};

export function checkProviders(drafts: readonly ProviderDraft[]): Checked<ProviderSettings[]> {
  const out: ProviderSettings[] = [];
  const seen = new Set<string>();
  for (const [index, draft] of drafts.entries()) {
    const parsed = providerSettingsSchema.safeParse({ ...draft, scopes: draft.scopes.split(/\s+/).filter((s) => s !== '') });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = FIELD_NAMES[String(issue?.path[0] ?? '')] ?? 'a field';
      return { ok: false, message: `Provider ${index + 1}, ${field}: ${issue?.message ?? 'invalid'}. ${ERROR_MESSAGES.PROVIDER_SETTINGS_INVALID}` };
    }
    if (seen.has(parsed.data.id)) {
      return { ok: false, message: `Provider ${index + 1}, ID: "${parsed.data.id}" is used twice. ${ERROR_MESSAGES.PROVIDER_SETTINGS_INVALID}` };
    }
    seen.add(parsed.data.id);
    out.push(parsed.data);
  }
  return { ok: true, value: out };
}

export function draftFromProvider(p: ProviderSettings): ProviderDraft {
  return { id: p.id, label: p.label, issuer: p.issuer, clientId: p.clientId, scopes: p.scopes.join(' '), redirect: p.redirect };
}
