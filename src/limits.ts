// Every limit of the desktop's Node side, with the reason next to it. Change them here only.

/** A pending sign-in (state, verifier, nonce) lives this long: RFC 8252 flows are interactive, and
 * an agent who walked away should not have an open door; 5 minutes covers SSO plus MFA. */
export const PENDING_LOGIN_TTL_MS = 5 * 60_000;

/** Refresh the access token up to this long before it expires, so a request started just before
 * expiry does not carry a token that dies in flight and small clock drift does not matter. Never
 * more than half the token's lifetime (src/auth/refresh-schedule.ts): with tokens of 60 s or less a
 * fixed 60 s skew meant "refresh now", forever (889 refreshes in 10 s against one provider). */
export const REFRESH_SKEW_MS = 60_000;

/** The fewest milliseconds between two refresh requests of one session, whatever the provider's
 * `expires_in` says (0, 1 s...) and however often callers ask for a token: at most 12 token
 * requests a minute per agent, which no provider's rate limit objects to. */
export const REFRESH_MIN_INTERVAL_MS = 5_000;

/** Ceiling of the first retry after a refresh failed on the network; the ceiling doubles each time
 * up to the cap below, and each wait is drawn between half the ceiling and the ceiling (jitter, so
 * a contact center's desktops do not retry in step after an outage), never under the floor above. */
export const REFRESH_BACKOFF_INITIAL_MS = 5_000;

/** Longest wait between refresh retries: long enough not to hammer a provider that is down,
 * short enough that the agent recovers within a minute once the network is back. */
export const REFRESH_BACKOFF_MAX_MS = 60_000;

/** Each HTTP request to the identity provider (discovery, token, JWKS, userinfo, revocation) is
 * abandoned after this many seconds, so no network wait is unbounded (openid-client's unit). */
export const PROVIDER_HTTP_TIMEOUT_S = 15;

/** After a sign-out, "also sign out of the provider in the browser" stays offered this long: the
 * agent decides right then, and the ID token it needs (id_token_hint) should not linger in memory. */
export const END_SESSION_OFFER_TTL_MS = 10 * 60_000;

/** The look at the authorization endpoint before the browser opens (redirect-probe.ts): a provider
 * answers it in well under a second; past this the sign-in goes ahead without the answer. */
export const REDIRECT_PROBE_TIMEOUT_MS = 5_000;

/** GET /cobrowse/rest/agent-auth before each connection attempt: the server answers at once; a
 * server that does not within this is treated as one that asks for no identity (no token sent). */
export const AGENT_AUTH_FETCH_TIMEOUT_MS = 5_000;

/** The agent-auth document is a few hundred bytes; anything larger is not one. */
export const AGENT_AUTH_MAX_BYTES = 16 * 1024;

/** Revocation at sign-out is best effort: the agent must not wait longer than this to be signed out. */
export const REVOCATION_TIMEOUT_S = 5;

/** Tolerance for the ID token's exp/iat/nbf, in seconds: desktop clocks drift, and openid-client's
 * default (30 s) is what the OpenID certification profiles use. */
export const ID_TOKEN_CLOCK_TOLERANCE_S = 30;

/** The longest callback URL accepted. Real responses are a few hundred bytes; an 8 KiB cap stops a
 * hostile deep link from making us parse megabytes. */
export const CALLBACK_URL_MAX_LENGTH = 8 * 1024;

/** The providers file is small hand-written JSON; anything bigger is not one. */
export const PROVIDERS_FILE_MAX_BYTES = 256 * 1024;

/** Windows Credential Manager stores at most 2,560 bytes per credential blob; staying under 2,500
 * leaves room for encoding differences. Longer secrets are split into several entries. */
export const KEYCHAIN_SECRET_MAX_BYTES = 2_500;

/** A secret split into more parts than this is refused: no legitimate refresh token is 40 KB. */
export const KEYCHAIN_MAX_PARTS = 16;

/** The loopback listener drops a connection that has not sent its request headers in this time,
 * so an idle local socket cannot keep it open. */
export const LOOPBACK_HEADERS_TIMEOUT_MS = 10_000;
