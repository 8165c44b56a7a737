// An OpenID Provider (the real oidc-provider) in its own process, for the agent-admission part:
// it issues JWT access tokens for the co-browse server's audience through the client_credentials
// grant, and serves the discovery document and JWKS the server verifies them with.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { announceReady, exitOnSigterm, serveRequests } from '../lib/child-process.js';

export interface JwtIssuerReady {
  readonly issuer: string;
}

export type JwtIssuerRequest = { readonly op: 'tokens'; readonly audience: string; readonly count: number };

const CLIENT = { id: 'agentdesk-bench-agent', secret: 'bench-only-client-secret-0123456789abcdef' };
/** Long enough for the longest run; the bench never needs a refresh. */
const TOKEN_TTL_S = 3600;

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'bench-es256', alg: 'ES256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
      // The only signing key is ES256, so the client's ID-token alg must match it.
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [jwk] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => ({
        scope: 'cobrowse',
        audience: resource,
        accessTokenTTL: TOKEN_TTL_S,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
server.on('request', provider.callback());

async function token(audience: string): Promise<string> {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT.id, client_secret: CLIENT.secret, resource: audience, scope: 'cobrowse' }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`token request failed: ${body.error ?? res.status}`);
  return body.access_token;
}

exitOnSigterm(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
serveRequests(async (body) => {
  const req = body as JwtIssuerRequest;
  if (req.op !== 'tokens') throw new Error(`unknown issuer request ${JSON.stringify(body)}`);
  const tokens: string[] = [];
  for (let i = 0; i < req.count; i++) tokens.push(await token(req.audience));
  return tokens;
});
const ready: JwtIssuerReady = { issuer };
announceReady(ready);
