import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { isPrivateTransport } from '../../common/transport-security.js';
import { providerIdSchema, type ProviderSettings, type RedirectMode } from '../../common/api.js';
import { AgentDeskError } from '../../common/errors.js';
import { PROVIDERS_FILE_MAX_BYTES } from '../limits.js';
import { PRESET_SUPPORT } from './preset-support.js';
import { expandPreset, presetSchema, type ExplicitEndpoints } from './presets.js';

/** The product's own scheme, registered by the installers (RFC 8252 §7.1 reverse-DNS form), and the
 * base of every provider's redirect: provider `acme` comes back on com.agentdesk.desktop:/oauth/callback/acme. */
export const DEFAULT_CUSTOM_SCHEME_REDIRECT = 'com.agentdesk.desktop:/oauth/callback';

/** Each provider has its own redirect (RFC 9700 §4.4.2: a distinct redirect URI per provider), so
 * a code one provider sends can never be taken as another's, with or without `iss`. */
export function customSchemeRedirectFor(providerId: string): string {
  return `${DEFAULT_CUSTOM_SCHEME_REDIRECT}/${providerId}`;
}

/** The loopback listener's path for a provider: http://127.0.0.1:<port>/oauth/callback/<id>. */
export function loopbackCallbackPath(providerId: string): string {
  return `/oauth/callback/${providerId}`;
}

/** One identity provider, validated and with its preset applied. Nothing here is secret. */
export interface ProviderConfig {
  readonly id: string;
  readonly label: string;
  readonly clientId: string;
  /** Only for providers whose desktop clients get one (Google); not a secret in a desktop app. */
  readonly clientSecret: string | null;
  readonly scopes: readonly string[];
  /** True when `openid` is asked for: an ID token is then required and validated. */
  readonly oidc: boolean;
  readonly server: { readonly kind: 'discovery'; readonly issuer: string } | ({ readonly kind: 'explicit' } & ExplicitEndpoints & { readonly userinfoUrl?: string });
  readonly redirect: {
    readonly mode: RedirectMode;
    readonly customSchemeUri: string;
    /** The loopback listener's path (per provider). */
    readonly loopbackPath: string;
    /** A fixed loopback port for providers that compare redirect URIs exactly (else ephemeral). */
    readonly loopbackPort: number | null;
  };
  readonly authorizationParams: Readonly<Record<string, string>>;
  /** Shared workstation: every sign-in asks for the password again (prompt=login), and sign-out
   * always ends the provider's browser session too (end-session). */
  readonly sharedWorkstation: boolean;
  /** Where the provider sends the browser after end-session; registered with the provider. */
  readonly postLogoutRedirectUri: string | null;
  /** RFC 8707 resource indicator (the co-browse server's audience), sent with the authorization and
   * token requests of providers that support it; null: not sent. */
  readonly resource: string | null;
  /** Send id_token_hint with end-session (providers that require it); it then appears in the browser's URL. */
  readonly endSessionIdTokenHint: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

// https only; plain http is accepted for loopback hosts (a provider on this machine, tests).
const endpointUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    if (url.username || url.password || url.hash) return false;
    return isPrivateTransport(url);
  }, 'must be an https:// URL (http:// only for 127.0.0.1 or localhost) without user name or fragment');

// RFC 8252 §7.1: a reverse-DNS scheme followed by a single slash and a path; no query or fragment.
const customSchemeUri = z
  .string()
  .max(256)
  .regex(/^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/, 'must be a reverse-DNS custom scheme URI such as com.example.agentdesk:/oauth/callback');

/** Scopes when neither the file nor a preset names any: OpenID Connect with a refresh token. */
const DEFAULT_SCOPES: readonly string[] = ['openid', 'email', 'profile', 'offline_access'];

const scope = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/, 'a scope is one word of visible characters');

// Parameters the service sets itself can never be overridden from configuration.
const RESERVED_PARAMS = new Set(['resource', 'client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'request', 'request_uri']);

const providerEntrySchema = z
  .object({
    id: providerIdSchema,
    label: z.string().trim().min(1).max(80).optional(),
    preset: presetSchema.optional(),
    issuer: endpointUrl.optional(),
    authorize_url: endpointUrl.optional(),
    token_url: endpointUrl.optional(),
    revocation_url: endpointUrl.optional(),
    end_session_url: endpointUrl.optional(),
    jwks_uri: endpointUrl.optional(),
    userinfo_url: endpointUrl.optional(),
    profile_url: endpointUrl.optional(),
    client_id: z.string().trim().min(1, 'a provider needs a client ID').max(256),
    client_secret: z.string().min(1).max(512).optional(),
    scopes: z.array(scope).max(20).optional(),
    redirect: z
      .object({
        mode: z.enum(['custom-scheme', 'loopback', 'auto']).default('custom-scheme'),
        uri: customSchemeUri.optional(),
        // For providers that compare redirect URIs exactly (no RFC 8252 §7.3 any-port rule): the
        // administrator registers http://127.0.0.1:<port>/oauth/callback/<id> and names the port here.
        loopback_port: z.number().int().min(1024, 'loopback_port must be 1024-65535').max(65535, 'loopback_port must be 1024-65535').optional(),
      })
      .strict()
      .optional(),
    authorization_params: z
      .record(z.string().regex(/^[a-z_]{1,40}$/, 'parameter names are lowercase letters and _'), z.string().max(256))
      .refine((params) => Object.keys(params).every((k) => !RESERVED_PARAMS.has(k)), 'may not set a parameter AgentDesk sets itself (state, nonce, redirect_uri, scope, PKCE...)')
      .optional(),
    shared_workstation: z.boolean().optional(),
    post_logout_redirect_uri: z.union([endpointUrl, customSchemeUri]).optional(),
    end_session_id_token_hint: z.boolean().optional(),
    // RFC 8707 §2: an absolute URI without fragment (the co-browse server's audience).
    resource: z
      .string()
      .max(2048)
      .refine((v) => URL.canParse(v) && new URL(v).hash === '', 'must be an absolute URI without fragment (the co-browse server audience)')
      .optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    const explicit = entry.authorize_url !== undefined || entry.token_url !== undefined;
    if (entry.preset && (entry.issuer || explicit)) {
      ctx.addIssue({ code: 'custom', path: ['preset'], message: 'use either a preset or issuer/authorize_url/token_url, not both' });
    } else if (!entry.preset && !entry.issuer && !explicit) {
      ctx.addIssue({ code: 'custom', path: ['issuer'], message: 'a provider needs an issuer (discovery), authorize_url and token_url, or a preset' });
    } else if (explicit && !entry.authorize_url) {
      ctx.addIssue({ code: 'custom', path: ['authorize_url'], message: 'authorize_url is needed together with token_url' });
    } else if (explicit && !entry.token_url) {
      ctx.addIssue({ code: 'custom', path: ['token_url'], message: 'token_url is needed together with authorize_url' });
    } else if (explicit && (entry.scopes ?? DEFAULT_SCOPES).includes('openid') && !entry.jwks_uri) {
      ctx.addIssue({ code: 'custom', path: ['jwks_uri'], message: 'jwks_uri is needed to check ID tokens when discovery is not used' });
    }
  });

export const providersFileSchema = z
  .object({
    /** The administrator's switch for machines several agents share: applies to every provider. */
    shared_workstation: z.boolean().optional(),
    providers: z
      .array(providerEntrySchema)
      .min(1, 'list at least one provider')
      .max(20, 'at most 20 providers')
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        for (const [i, p] of list.entries()) {
          if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `the provider ID "${p.id}" is used twice` });
          seen.add(p.id);
        }
        const redirects = new Map<string, string>();
        for (const [i, p] of list.entries()) {
          const uri = p.redirect?.uri ?? customSchemeRedirectFor(p.id);
          const other = redirects.get(uri);
          if (other !== undefined) {
            ctx.addIssue({ code: 'custom', path: [i, 'redirect', 'uri'], message: `provider "${other}" has the same redirect URI: each provider needs its own, so one's code cannot be taken for another's` });
          }
          redirects.set(uri, p.id);
        }
      }),
  })
  .strict();

type ProviderEntry = z.infer<typeof providerEntrySchema>;

function normalize(entry: ProviderEntry, sharedWorkstation: boolean): ProviderConfig {
  const preset = entry.preset ? expandPreset(entry.preset) : null;
  const scopes = entry.scopes ?? preset?.scopes ?? DEFAULT_SCOPES;
  let server: ProviderConfig['server'];
  if (preset) {
    server = preset.server;
  } else if (entry.authorize_url && entry.token_url) {
    server = {
      kind: 'explicit',
      issuer: entry.issuer ?? new URL(entry.authorize_url).origin,
      authorizeUrl: entry.authorize_url,
      tokenUrl: entry.token_url,
      ...(entry.revocation_url ? { revocationUrl: entry.revocation_url } : {}),
      ...(entry.end_session_url ? { endSessionUrl: entry.end_session_url } : {}),
      ...(entry.jwks_uri ? { jwksUri: entry.jwks_uri } : {}),
      ...(entry.userinfo_url ? { userinfoUrl: entry.userinfo_url } : {}),
      ...(entry.profile_url ? { profileUrl: entry.profile_url } : {}),
    };
  } else {
    server = { kind: 'discovery', issuer: entry.issuer ?? '' };
  }
  return {
    id: entry.id,
    label: entry.label ?? entry.id,
    clientId: entry.client_id,
    clientSecret: entry.client_secret ?? null,
    scopes,
    oidc: scopes.includes('openid'),
    server,
    redirect: {
      mode: entry.redirect?.mode ?? preset?.redirectMode ?? 'custom-scheme',
      customSchemeUri: entry.redirect?.uri ?? customSchemeRedirectFor(entry.id),
      loopbackPath: loopbackCallbackPath(entry.id),
      loopbackPort: entry.redirect?.loopback_port ?? null,
    },
    authorizationParams: { ...preset?.authorizationParams, ...entry.authorization_params },
    sharedWorkstation: sharedWorkstation || (entry.shared_workstation ?? false),
    postLogoutRedirectUri: entry.post_logout_redirect_uri ?? null,
    endSessionIdTokenHint: entry.end_session_id_token_hint ?? (entry.preset ? PRESET_SUPPORT[entry.preset.type].endSessionNeedsIdTokenHint : false),
    resource: entry.resource ?? null,
  };
}

function describePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '');
}

function configError(where: string, what: string, cause?: unknown): AgentDeskError {
  return new AgentDeskError('CONFIG_INVALID', `The sign-in configuration is invalid: ${where}: ${what}`, cause === undefined ? undefined : { cause });
}

/** Validates a parsed providers file; CONFIG_INVALID names the first bad field, e.g. `providers[0].client_id`. */
export function parseProvidersFile(value: unknown): ProviderConfig[] {
  const parsed = providersFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw configError(issue ? describePath(issue.path) || 'file' : 'file', issue?.message ?? 'invalid');
  }
  return parsed.data.providers.map((entry) => normalize(entry, parsed.data.shared_workstation ?? false));
}

/** Reads and validates the providers file an agent or administrator provides. */
export async function loadProvidersFile(path: string): Promise<ProviderConfig[]> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > PROVIDERS_FILE_MAX_BYTES) throw configError(path, `the file is larger than ${PROVIDERS_FILE_MAX_BYTES} bytes`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof AgentDeskError) throw err;
    throw configError(path, 'the file cannot be read', err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw configError(path, 'the file is not valid JSON', err);
  }
  return parseProvidersFile(json);
}

/** The provider a Settings screen edits (common/api.ts), in the same validated form. */
export function providerFromSettings(settings: ProviderSettings): ProviderConfig {
  const [provider] = parseProvidersFile({
    providers: [{ id: settings.id, label: settings.label, issuer: settings.issuer, client_id: settings.clientId, scopes: settings.scopes, redirect: { mode: settings.redirect } }],
  });
  if (!provider) throw configError('providers', 'empty');
  return provider;
}
