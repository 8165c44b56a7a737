// The OpenID Provider for the agent-admission part, in its own process: the real oidc-provider
// (demo/client-credentials-issuer.ts) issuing JWT access tokens for the co-browse server's
// audience, and serving the discovery document and JWKS the server verifies them with.
import { startTestIssuer } from '../../demo/client-credentials-issuer.js';
import { announceReady, exitOnSigterm, serveRequests } from '../lib/child-process.js';

export interface JwtIssuerReady {
  readonly issuer: string;
}

export type JwtIssuerRequest = { readonly op: 'tokens'; readonly audience: string; readonly count: number };

/** Long enough for the longest run; the bench never needs a refresh. */
const TOKEN_TTL_S = 3600;

const issuer = await startTestIssuer(TOKEN_TTL_S);

exitOnSigterm(() => issuer.close());
serveRequests(async (body) => {
  const req = body as JwtIssuerRequest;
  if (req.op !== 'tokens') throw new Error(`unknown issuer request ${JSON.stringify(body)}`);
  const tokens: string[] = [];
  for (let i = 0; i < req.count; i++) tokens.push(await issuer.accessToken(req.audience));
  return tokens;
});
const ready: JwtIssuerReady = { issuer: issuer.issuer };
announceReady(ready);
