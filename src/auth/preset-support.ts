import type { Preset } from './presets.js';

// What each preset's provider is known to support, from its public documentation as we know it.
// `confirmed` says whether the fact was checked against a published source during this work (the
// development machines reach no provider); everything else is knowledge to be verified against the
// provider before relying on it. The desktop never trusts this table over the provider itself:
// revocation and end-session are used only when discovery (or the explicit endpoints) names them,
// and `iss` is required only when the metadata says it is sent. The table drives the one default it
// has to (Okta's id_token_hint) and the documentation (docs/ARCHITECTURE.md, "Presets").

export type Support = 'yes' | 'no' | 'unknown';

export interface Capability {
  readonly support: Support;
  readonly confirmed: boolean;
  /** What it depends on, or where it comes from. */
  readonly note: string;
}

export interface PresetSupport {
  readonly refreshTokens: Capability;
  readonly revocation: Capability;
  readonly endSession: Capability;
  readonly issParameter: Capability;
  /** The provider's end-session endpoint needs id_token_hint (it then travels in the browser's URL). */
  readonly endSessionNeedsIdTokenHint: boolean;
}

/** What the desktop does when a capability is missing (docs/SECURITY.md has the details). */
export const WHEN_MISSING: Readonly<Record<keyof Omit<PresetSupport, 'endSessionNeedsIdTokenHint'>, string>> = {
  refreshTokens: 'signed in until the access token expires, then SIGN_IN_EXPIRED: sign in again',
  revocation: 'signs out locally and says the sign-in may still be valid at the provider (SIGN_OUT_REVOCATION_UNSUPPORTED)',
  endSession: 'no end-session offered; the sign-out notice asks the agent to close the browser',
  issParameter: 'no ISSUER_MISMATCH check; the per-provider redirect, state and PKCE still stop a mix-up',
};

const cap = (support: Support, note: string, confirmed = false): Capability => ({ support, confirmed, note });

export const PRESET_SUPPORT: Readonly<Record<Preset['type'], PresetSupport>> = {
  'genesys-cloud': {
    refreshTokens: cap('unknown', 'whether a public PKCE client gets a refresh token is not documented where we looked'),
    revocation: cap('no', 'no RFC 7009 endpoint configured (the Platform API has its own token deletion, not used)'),
    endSession: cap('unknown', 'login.<domain>/logout is configured; its parameters are not confirmed'),
    issParameter: cap('no', 'OAuth 2.0 only, no OIDC metadata'),
    endSessionNeedsIdTokenHint: false,
  },
  'entra-id': {
    refreshTokens: cap('yes', 'with offline_access'),
    revocation: cap('no', 'no revocation endpoint in the v2.0 discovery document'),
    endSession: cap('yes', 'end_session_endpoint in the v2.0 discovery document'),
    issParameter: cap('unknown', 'not known to advertise authorization_response_iss_parameter_supported'),
    endSessionNeedsIdTokenHint: false,
  },
  auth0: {
    refreshTokens: cap('yes', 'offline_access, when the API allows offline access'),
    revocation: cap('yes', '/oauth/revoke'),
    endSession: cap('unknown', '/oidc/logout only when the tenant enables RP-initiated logout in discovery'),
    issParameter: cap('unknown', 'not known'),
    endSessionNeedsIdTokenHint: false,
  },
  okta: {
    refreshTokens: cap('yes', 'offline_access, when the app allows the refresh token grant'),
    revocation: cap('yes', '/v1/revoke'),
    endSession: cap('yes', '/v1/logout'),
    issParameter: cap('unknown', 'not known'),
    endSessionNeedsIdTokenHint: true,
  },
  keycloak: {
    refreshTokens: cap('yes', 'offline_access or a normal refresh token'),
    revocation: cap('yes', 'revocation_endpoint in discovery'),
    endSession: cap('yes', 'end_session_endpoint; since version 18 it needs id_token_hint or client_id for post_logout_redirect_uri (client_id is sent)'),
    issParameter: cap('yes', 'advertised in discovery by recent versions'),
    endSessionNeedsIdTokenHint: false,
  },
  google: {
    refreshTokens: cap('yes', 'access_type=offline (the preset sets it)'),
    revocation: cap('yes', 'revocation_endpoint https://oauth2.googleapis.com/revoke in a published copy of its discovery document', true),
    endSession: cap('no', 'no end_session_endpoint in a published copy of its discovery document', true),
    issParameter: cap('unknown', 'not advertised in that copy'),
    endSessionNeedsIdTokenHint: false,
  },
};
