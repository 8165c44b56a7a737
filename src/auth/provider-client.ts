import * as oidc from 'openid-client';
import { AgentDeskError, type ErrorCode } from '../../common/errors.js';
import type { DesktopFetch } from '../desktop-port.js';
import { ID_TOKEN_CLOCK_TOLERANCE_S, PROVIDER_HTTP_TIMEOUT_S } from '../limits.js';
import { isLoopbackHost, type ProviderConfig } from './provider-config.js';

/**
 * Builds the openid-client Configuration for a provider: from its discovery document (the issuer is
 * checked against it) or from explicit endpoints. Plain http is allowed only for loopback issuers.
 * `fetch` (the Desktop port's network, e.g. Electron's net stack) carries every request of this
 * provider, discovery included; without it openid-client uses Node's global fetch.
 */
export async function createProviderClient(provider: ProviderConfig, fetch?: DesktopFetch): Promise<oidc.Configuration> {
  const clientMetadata: Partial<oidc.ClientMetadata> = {
    [oidc.clockTolerance]: ID_TOKEN_CLOCK_TOLERANCE_S,
    ...(provider.clientSecret ? { client_secret: provider.clientSecret } : {}),
  };
  // A desktop app is a public client; Google's "secret" is sent the way Google expects it.
  const clientAuth = provider.clientSecret ? oidc.ClientSecretPost(provider.clientSecret) : oidc.None();
  const insecure = isLoopbackHost(new URL(provider.server.issuer).hostname);
  const execute = insecure ? [oidc.allowInsecureRequests] : [];
  let config: oidc.Configuration;
  if (provider.server.kind === 'discovery') {
    try {
      config = await oidc.discovery(new URL(provider.server.issuer), provider.clientId, clientMetadata, clientAuth, {
        execute,
        timeout: PROVIDER_HTTP_TIMEOUT_S,
        ...(fetch ? { [oidc.customFetch]: fetch } : {}),
      });
    } catch (err) {
      throw toAuthError(err, 'discovery');
    }
  } else {
    const s = provider.server;
    const metadata: oidc.ServerMetadata = {
      issuer: s.issuer,
      authorization_endpoint: s.authorizeUrl,
      token_endpoint: s.tokenUrl,
      ...(s.revocationUrl ? { revocation_endpoint: s.revocationUrl } : {}),
      ...(s.endSessionUrl ? { end_session_endpoint: s.endSessionUrl } : {}),
      ...(s.jwksUri ? { jwks_uri: s.jwksUri } : {}),
      ...(s.userinfoUrl ? { userinfo_endpoint: s.userinfoUrl } : {}),
      code_challenge_methods_supported: ['S256'],
    };
    config = new oidc.Configuration(metadata, provider.clientId, clientMetadata, clientAuth);
    for (const fn of execute) fn(config);
    config.timeout = PROVIDER_HTTP_TIMEOUT_S;
    if (fetch) config[oidc.customFetch] = fetch;
  }
  // openid-client trusts an ID token that came over TLS from the token endpoint without checking its
  // signature (OIDC Core §3.1.3.7 allows it); we check it against the provider's JWKS anyway, at
  // sign-in and on every refresh that returns one, so a token endpoint answer that was altered in
  // transit or by a proxy is refused (ID_TOKEN_INVALID).
  if (provider.oidc) oidc.enableNonRepudiationChecks(config);
  return config;
}

export type ProviderStep = 'discovery' | 'token' | 'refresh' | 'userinfo' | 'revocation';

function isNetworkFailure(err: unknown): boolean {
  if (err instanceof TypeError && err.message === 'fetch failed') return true;
  if (err instanceof oidc.ClientError && (err.code === 'OAUTH_TIMEOUT' || err.code === 'OAUTH_ABORT')) return true;
  if (err instanceof oidc.ClientError && err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    const status = (err.cause as { status?: unknown } | undefined)?.status;
    return typeof status === 'number' && status >= 500;
  }
  return false;
}

/**
 * The HTTP status of the provider's answer behind a library error, or null when there was no
 * answer (network, timeout) or the error is not about one.
 */
export function httpStatusOf(err: unknown): number | null {
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.WWWAuthenticateChallengeError) return err.status;
  if (err instanceof oidc.ClientError && (err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || err.code === 'OAUTH_RESPONSE_IS_NOT_JSON')) {
    const status = (err.cause as { status?: unknown } | undefined)?.status;
    return typeof status === 'number' ? status : null;
  }
  return null;
}

/** The product code for an OAuth 2.0 `error` value (RFC 6749 §4.1.2.1, §5.2). */
export function codeForOAuthError(error: string): ErrorCode {
  switch (error) {
    case 'invalid_grant':
      return 'INVALID_GRANT';
    case 'access_denied':
      return 'ACCESS_DENIED';
    case 'invalid_client':
    case 'unauthorized_client':
    case 'invalid_request':
    case 'unsupported_response_type':
    case 'invalid_scope':
      return 'CLIENT_REJECTED';
    case 'temporarily_unavailable':
    case 'server_error':
      return 'PROVIDER_UNREACHABLE';
    default:
      return 'PROVIDER_ERROR';
  }
}

/**
 * A sanitized description of a library error: its class, code and message only. The library keeps
 * response bodies (which may hold tokens) in `cause`; those never leave this function.
 */
export function describeProviderError(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError) return `ResponseBodyError ${err.error} (HTTP ${err.status})`;
  if (err instanceof oidc.AuthorizationResponseError) return `AuthorizationResponseError ${err.error}`;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${err.name}${typeof code === 'string' ? ` ${code}` : ''}: ${err.message}`.slice(0, 300);
  }
  return 'non-error thrown';
}

/** Maps what openid-client throws to the product's codes. The cause kept is the sanitized description. */
export function toAuthError(err: unknown, step: ProviderStep): AgentDeskError {
  if (err instanceof AgentDeskError) return err;
  const cause = new Error(`${step}: ${describeProviderError(err)}`);
  let code: ErrorCode;
  if (isNetworkFailure(err)) {
    code = 'PROVIDER_UNREACHABLE';
  } else if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) {
    code = codeForOAuthError(err.error);
  } else if (err instanceof oidc.ClientError && step === 'discovery') {
    code = 'PROVIDER_ERROR';
  } else if ((step === 'token' || step === 'refresh') && isIdTokenFailure(err)) {
    code = 'ID_TOKEN_INVALID';
  } else {
    code = 'PROVIDER_ERROR';
  }
  return new AgentDeskError(code, undefined, { cause });
}

const ID_TOKEN_CHECKS = new Set([
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_KEY_SELECTION_FAILED',
  // The signature against the provider's JWKS (enableNonRepudiationChecks).
  'OAUTH_JWS_SIGNATURE_VERIFICATION_FAILED',
]);

// Claim, time and key-selection failures are all about the ID token here (the only JWT we check);
// a malformed response counts when the library says it was the JWT (signature, alg, claim types).
function isIdTokenFailure(err: unknown): boolean {
  if (!(err instanceof oidc.ClientError) || typeof err.code !== 'string') return false;
  if (ID_TOKEN_CHECKS.has(err.code)) return true;
  const detail = err.cause instanceof Error ? err.cause.message : '';
  return err.code === 'OAUTH_INVALID_RESPONSE' && /JWT|ID Token|id_token/.test(detail);
}
