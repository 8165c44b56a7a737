// Per-agent identity: the agent handshake carries `Authorization: Bearer <access token>`, a JWT
// from the configured issuer. We find the issuer's JWKS through its discovery document (once,
// then cached; jose caches the keys and refetches on an unknown `kid`) and check signature,
// `iss`, `aud` and `exp` with a small clock tolerance.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import type { AgentIdentity } from '../../common/protocol.js';
import type { OidcConfig } from '../types.js';
import type { Clock } from './clock.js';

export type IdentityFailureCode =
  | 'AGENT_IDENTITY_MISSING'
  | 'AGENT_IDENTITY_INVALID'
  | 'AGENT_IDENTITY_EXPIRED'
  | 'AGENT_IDENTITY_WRONG_AUDIENCE'
  | 'AGENT_IDENTITY_WRONG_TYPE'
  | 'AGENT_IDENTITY_WRONG_CLIENT'
  | 'AGENT_IDENTITY_UNAVAILABLE';

export type IdentityResult =
  | { readonly ok: true; readonly identity: AgentIdentity; /** Epoch ms of the token's `exp`. */ readonly expiresAt: number }
  | { readonly ok: false; readonly code: IdentityFailureCode; readonly detail: string };

export interface OidcVerifier {
  verify(authorization: string | undefined): Promise<IdentityResult>;
}

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });
const claimsSchema = z.object({
  sub: z.string().min(1),
  email: z.string().optional(),
  name: z.string().optional(),
  given_name: z.string().optional(),
  client_id: z.string().optional(),
  azp: z.string().optional(),
});

// RFC 9068 access tokens say `typ: at+jwt`. Many providers still send plain `JWT` (or nothing) on
// access tokens, so those pass unless the administrator asks for at+jwt; any other kind (an ID
// token typed as such, a logout token...) is not an access token.
const AT_JWT = new Set(['at+jwt', 'application/at+jwt']);
function typRefusal(typ: unknown, requireAtJwt: boolean): string | null {
  if (typ === undefined) return requireAtJwt ? 'no typ header, at+jwt required' : null;
  const value = typeof typ === 'string' ? typ.toLowerCase() : '';
  if (AT_JWT.has(value)) return null;
  if (value === 'jwt' && !requireAtJwt) return null;
  return `typ ${value.slice(0, 40) || '(not a string)'} is not an access token type`;
}
// Bearer tokens are a few KB at most; a longer header is not a token we would accept.
const bearerPattern = /^Bearer ([A-Za-z0-9\-_.~+/]{10,8192}=*)$/;

class DiscoveryUnavailable extends Error {}

export function createOidcVerifier(
  config: OidcConfig,
  clock: Clock,
  limits: { readonly oidcClockToleranceSec: number; readonly oidcFetchTimeoutMs: number },
): OidcVerifier {
  let jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | null = null;

  async function discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const url = `${config.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let body: unknown;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(limits.oidcFetchTimeoutMs), redirect: 'error' });
      if (!res.ok) throw new DiscoveryUnavailable(`discovery answered HTTP ${res.status}`);
      body = await res.json();
    } catch (err) {
      throw err instanceof DiscoveryUnavailable ? err : new DiscoveryUnavailable('discovery could not be fetched', { cause: err });
    }
    const doc = discoverySchema.safeParse(body);
    if (!doc.success) throw new DiscoveryUnavailable('discovery document lacks issuer or jwks_uri');
    if (doc.data.issuer !== config.issuer) throw new DiscoveryUnavailable('discovery document names another issuer');
    return createRemoteJWKSet(new URL(doc.data.jwks_uri), { timeoutDuration: limits.oidcFetchTimeoutMs });
  }

  function keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (!jwks) {
      jwks = discover();
      // A failed discovery is retried on the next handshake instead of being cached.
      jwks.catch(() => {
        jwks = null;
      });
    }
    return jwks;
  }

  return {
    async verify(authorization) {
      if (authorization === undefined) return { ok: false, code: 'AGENT_IDENTITY_MISSING', detail: 'no Authorization header' };
      const match = bearerPattern.exec(authorization);
      if (!match) return { ok: false, code: 'AGENT_IDENTITY_INVALID', detail: 'Authorization is not a Bearer token' };
      let keys: ReturnType<typeof createRemoteJWKSet>;
      try {
        keys = await keySet();
      } catch (err) {
        return { ok: false, code: 'AGENT_IDENTITY_UNAVAILABLE', detail: (err as Error).message };
      }
      try {
        const { payload, protectedHeader } = await jwtVerify(match[1]!, keys, {
          issuer: config.issuer,
          audience: config.audience,
          clockTolerance: limits.oidcClockToleranceSec,
          currentDate: new Date(clock()),
          requiredClaims: ['exp', 'sub'],
        });
        const claims = claimsSchema.safeParse(payload);
        if (!claims.success) return { ok: false, code: 'AGENT_IDENTITY_INVALID', detail: 'token lacks a usable sub' };
        const wrongType = typRefusal(protectedHeader.typ, config.requireAtJwt === true);
        if (wrongType) return { ok: false, code: 'AGENT_IDENTITY_WRONG_TYPE', detail: wrongType };
        if (config.clientIds && !config.clientIds.some((id) => id === claims.data.client_id || id === claims.data.azp)) {
          return { ok: false, code: 'AGENT_IDENTITY_WRONG_CLIENT', detail: 'client_id/azp is not an allowed client' };
        }
        const { sub, email } = claims.data;
        const name = claims.data.name ?? claims.data.given_name;
        return { ok: true, identity: { sub, ...(email === undefined ? {} : { email }), ...(name === undefined ? {} : { name }) }, expiresAt: (payload.exp ?? 0) * 1000 };
      } catch (err) {
        return classify(err);
      }
    },
  };
}

function classify(err: unknown): IdentityResult {
  if (err instanceof joseErrors.JWTExpired) return { ok: false, code: 'AGENT_IDENTITY_EXPIRED', detail: 'exp is in the past' };
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return { ok: false, code: 'AGENT_IDENTITY_WRONG_AUDIENCE', detail: 'aud does not match' };
    return { ok: false, code: 'AGENT_IDENTITY_INVALID', detail: `claim ${err.claim} failed: ${err.reason}` };
  }
  if (err instanceof joseErrors.JWKSTimeout) return { ok: false, code: 'AGENT_IDENTITY_UNAVAILABLE', detail: 'JWKS fetch timed out' };
  if (err instanceof joseErrors.JOSEError) return { ok: false, code: 'AGENT_IDENTITY_INVALID', detail: err.code };
  // fetch failures of the JWKS itself surface as plain errors.
  return { ok: false, code: 'AGENT_IDENTITY_UNAVAILABLE', detail: err instanceof Error ? err.message : 'unknown failure' };
}
