// A real OpenID Provider (oidc-provider) on 127.0.0.1, issuing JWT access tokens through the
// client_credentials grant with resource indicators: the audience is the requested resource.
// The server's per-agent identity tests and the admission benchmark get agents' tokens from it
// without a browser sign-in (the desktop's own flow is demo/identity-provider.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export const OIDC_CLIENT = { id: 'agentdesk-test-agent', secret: 'a-client-secret-for-tests-only-0123456789' };
export const AGENT_EMAIL = 'ada@example.test';
/** The agent's display name (the token's `name` claim): the only thing of the agent the customer's page learns. */
export const AGENT_NAME = 'Ada L.';

export interface TestIssuer {
  readonly issuer: string;
  readonly kid: string;
  /** A JWT access token for `resource` (its `aud`), as the agent desktop would present it. */
  accessToken(resource: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(accessTokenTtlSec = 600): Promise<TestIssuer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'test-issuer-es256';
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT.id,
        client_secret: OIDC_CLIENT.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
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
          accessTokenTTL: accessTokenTtlSec,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    extraTokenClaims: () => ({ email: AGENT_EMAIL, name: AGENT_NAME }),
  });
  server.on('request', provider.callback());

  return {
    issuer,
    kid,
    async accessToken(resource) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: OIDC_CLIENT.id,
          client_secret: OIDC_CLIENT.secret,
          resource,
          scope: 'cobrowse',
        }),
      });
      const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`token request failed: ${body.error}: ${body.error_description}`);
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
