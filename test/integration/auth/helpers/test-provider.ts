// A real OpenID Provider (oidc-provider) on 127.0.0.1, port 0, with a native public client that
// must use PKCE, refresh tokens with rotation, revocation and RP-initiated logout, one test agent,
// and a minimal login + consent UI that checks the password.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, type ClientMetadata } from 'oidc-provider';

export const TEST_AGENT = { id: 'agent-1', email: 'ada.agent@example.com', name: 'Ada Agent', password: 'correct horse battery staple' } as const;
export const TEST_CLIENT_ID = 'agentdesk-desktop';
/** The provider ID the tests configure the desktop with; its redirects carry it (one per provider). */
export const TEST_PROVIDER_ID = 'test-idp';
export const CUSTOM_SCHEME_REDIRECT = `com.agentdesk.desktop:/oauth/callback/${TEST_PROVIDER_ID}`;

export interface TestProviderOptions {
  /** Access token lifetime in seconds (default 3600). */
  readonly accessTokenTtl?: number;
  /** Put email/name into the ID token itself instead of only userinfo. */
  readonly claimsInIdToken?: boolean;
  /** RFC 7009 revocation endpoint (default true); false: a provider without one. */
  readonly revocation?: boolean;
  /** The desktop provider IDs whose redirects this client registers (default [TEST_PROVIDER_ID]). */
  readonly providerIds?: readonly string[];
  /** Compare redirect URIs exactly (no any-port loopback rule, RFC 8252 §7.3); loopback is then
   * registered only at this port. */
  readonly exactRedirects?: { readonly loopbackPort: number };
  /** RFC 8707: JWT access tokens with this `aud` when (and only when) the client asks for it with
   * `resource`; other access tokens stay opaque. */
  readonly resourceServer?: string;
  /** false: the client has no custom-scheme redirect registered (loopback only). */
  readonly customScheme?: boolean;
  /** false: send no `iss` in authorization responses and say so in discovery (an older provider). */
  readonly issParameter?: boolean;
  /** false: issue no refresh tokens (a provider or client without the refresh grant for native apps). */
  readonly refreshTokens?: boolean;
}

/** Where the test client may be sent after end-session (registered with the provider). */
export const POST_LOGOUT_REDIRECT = 'http://127.0.0.1/agentdesk-signed-out';

/** A canned answer the token endpoint gives instead of oidc-provider's, while set. */
export interface TokenRefusal {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
}

export interface TestProvider {
  readonly issuer: string;
  readonly port: number;
  readonly clientId: string;
  /** Requests seen per path prefix: /token, /token/revocation, /me ... */
  readonly hits: { token: number; revocation: number; userinfo: number; discovery: number };
  /** Every access, refresh and ID token the token endpoint handed out, for leak scans. */
  readonly issuedTokens: Set<string>;
  /** While set, every token request gets this answer (a provider refusing refreshes its own way). */
  tokenRefusal: TokenRefusal | null;
  /** While set, the revocation endpoint answers this (e.g. a provider revoking for confidential clients only). */
  revocationRefusal: TokenRefusal | null;
  /** While set, /jwks publishes these keys instead of the signing key (a JWKS that does not match). */
  jwksOverride: { keys: object[] } | null;
  /** While set, tokens are issued for this account id (the ID token's `sub`) whoever signed in. */
  accountIdOverride: string | null;
  /** Stops listening (the provider is "down"); `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      data += chunk;
      if (data.length > 16_384) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(data)));
    req.on('error', reject);
  });
}

function html(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html><body>${body}</body></html>`);
}

export async function startTestProvider(options: TestProviderOptions = {}): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const hooks: Pick<TestProvider, 'tokenRefusal' | 'revocationRefusal' | 'jwksOverride' | 'accountIdOverride'> = {
    tokenRefusal: null,
    revocationRefusal: null,
    jwksOverride: null,
    accountIdOverride: null,
  };
  const refuse = (req: IncomingMessage, res: ServerResponse, { status, body, contentType }: TokenRefusal): void => {
    req.resume();
    res.writeHead(status, contentType ? { 'content-type': contentType } : {});
    res.end(body);
  };
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };

  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;

  const client: ClientMetadata = {
    client_id: TEST_CLIENT_ID,
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: (options.providerIds ?? [TEST_PROVIDER_ID]).flatMap((id) => [
      ...(options.customScheme === false ? [] : [`com.agentdesk.desktop:/oauth/callback/${id}`]),
      options.exactRedirects ? `http://127.0.0.1:${options.exactRedirects.loopbackPort}/oauth/callback/${id}` : `http://127.0.0.1/oauth/callback/${id}`,
    ]),
    post_logout_redirect_uris: [POST_LOGOUT_REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };

  const provider = new Provider(issuer, {
    clients: [client],
    jwks: { keys: [jwk] },
    cookies: { keys: ['agentdesk-test-cookie-key'] },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: options.revocation ?? true },
      ...(options.resourceServer
        ? {
            resourceIndicators: {
              enabled: true,
              defaultResource: () => undefined as unknown as string,
              useGrantedResource: () => true,
              getResourceServerInfo: (_ctx: unknown, resource: string) => {
                if (resource !== options.resourceServer) throw new errors.InvalidTarget();
                return { scope: 'agent', audience: resource, accessTokenFormat: 'jwt' as const, accessTokenTTL: options.accessTokenTtl ?? 3600, jwt: { sign: { alg: 'RS256' as const } } };
              },
            },
          }
        : {}),
      rpInitiatedLogout: {
        enabled: true,
        // The confirmation form carries logout=yes as an input, so the test browser's submit ends the session.
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = `<!doctype html><html><body><h1>Sign out?</h1>${form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>')}</body></html>`;
        },
      },
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: !options.claimsInIdToken,
    findAccount: async (_ctx, id) => {
      if (id !== TEST_AGENT.id) return undefined;
      const accountId = hooks.accountIdOverride ?? id;
      return { accountId, claims: async () => ({ sub: accountId, email: TEST_AGENT.email, email_verified: true, name: TEST_AGENT.name }) };
    },
    // Refresh tokens for the desktop client even without prompt=consent (offline_access is
    // otherwise dropped by oidc-provider), rotated on every use.
    issueRefreshToken: async (_ctx, c) => options.refreshTokens !== false && c.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: { AccessToken: options.accessTokenTtl ?? 3600, IdToken: 3600, RefreshToken: 86_400, Interaction: 600, Session: 3600, Grant: 86_400, AuthorizationCode: 60 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html><body><h1>oops</h1><pre>${String(out.error)}: ${String(out.error_description ?? '')}</pre></body></html>`;
    },
  });
  if (options.exactRedirects) {
    // What a provider without RFC 8252's any-port rule for loopback does: the exact string.
    provider.Client.prototype.redirectUriAllowed = function (this: { redirectUris: string[] }, value: string) {
      return this.redirectUris.includes(value);
    };
  }
  if (options.issParameter === false) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.path === '/.well-known/openid-configuration' && ctx.body && typeof ctx.body === 'object') {
        delete (ctx.body as Record<string, unknown>).authorization_response_iss_parameter_supported;
      }
      const location = ctx.response.get('location');
      if (location && /[?&]iss=/.test(location)) {
        const url = new URL(location);
        url.searchParams.delete('iss');
        ctx.set('location', url.href);
      }
    });
  }
  const callback = provider.callback();
  const hits = { token: 0, revocation: 0, userinfo: 0, discovery: 0 };
  const issuedTokens = new Set<string>();

  // Reads the token endpoint's JSON responses as they go out, to learn the token values.
  function recordTokens(res: ServerResponse): void {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk) chunks.push(Buffer.from(chunk as string));
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        for (const key of ['access_token', 'refresh_token', 'id_token']) if (typeof body[key] === 'string') issuedTokens.add(body[key]);
      } catch {
        // not JSON: an error page
      }
      return end(chunk, ...rest);
    }) as typeof res.end;
  }

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction uid mismatch');
    if (req.method === 'GET' && action === undefined) {
      if (details.prompt.name === 'login') {
        return html(
          res,
          `<h1>Sign in</h1><form method="post" action="/interaction/${uid}/login"><input name="login" value=""><input type="password" name="password" value=""><button type="submit">Sign in</button></form><a href="/interaction/${uid}/abort">Cancel</a>`,
        );
      }
      return html(res, `<h1>Allow AgentDesk?</h1><form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>`);
    }
    if (req.method === 'POST' && action === 'login') {
      const body = await readBody(req);
      if (body.get('login') !== TEST_AGENT.email || body.get('password') !== TEST_AGENT.password) {
        return html(res, `<h1>Sign in</h1><p>Wrong email or password</p><form method="post" action="/interaction/${uid}/login"><input name="login"><input type="password" name="password"><button>Sign in</button></form>`);
      }
      return provider.interactionFinished(req, res, { login: { accountId: TEST_AGENT.id } }, { mergeWithLastSubmission: false });
    }
    if (req.method === 'POST' && action === 'confirm') {
      await readBody(req);
      const { prompt, params, session } = details;
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session?.accountId ?? TEST_AGENT.id, clientId: String(params.client_id) });
      if (!grant) throw new Error('grant not found');
      const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    if (req.method === 'GET' && action === 'abort') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
    }
    res.writeHead(404).end();
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/token') {
      hits.token += 1;
      if (hooks.tokenRefusal) return refuse(req, res, hooks.tokenRefusal);
      recordTokens(res);
    }
    if (path === '/jwks' && hooks.jwksOverride) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(hooks.jwksOverride));
      return;
    }
    if (path === '/token/revocation') {
      hits.revocation += 1;
      if (hooks.revocationRefusal) return refuse(req, res, hooks.revocationRefusal);
    }
    if (path === '/me') hits.userinfo += 1;
    if (path === '/.well-known/openid-configuration') hits.discovery += 1;
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(path);
    if (m) {
      interaction(req, res, m[1]!, m[2]).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${(err as Error).message}`);
      });
      return;
    }
    void callback(req, res);
  });

  let listening = true;
  const stop = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  // The hooks object is the returned provider itself, so a test's assignments reach the handlers.
  return Object.assign(hooks, {
    issuer,
    port,
    clientId: TEST_CLIENT_ID,
    hits,
    issuedTokens,
    stop,
    async start() {
      if (listening) return;
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      listening = true;
    },
    close: stop,
  });
}

/** Asks the provider directly whether a refresh token still works (true) or is refused (false). */
export async function providerAcceptsRefreshToken(idp: TestProvider, refreshToken: string): Promise<boolean> {
  const { discovery, allowInsecureRequests, refreshTokenGrant, None, ResponseBodyError } = await import('openid-client');
  const config = await discovery(new URL(idp.issuer), idp.clientId, undefined, None(), { execute: [allowInsecureRequests] });
  try {
    await refreshTokenGrant(config, refreshToken);
    return true;
  } catch (err) {
    if (err instanceof ResponseBodyError && err.error === 'invalid_grant') return false;
    throw err;
  }
}

/** Revokes a token at the provider the way an administrator or another device would (RFC 7009). */
export async function revokeAtProvider(idp: TestProvider, token: string): Promise<void> {
  const response = await fetch(`${idp.issuer}/token/revocation`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: idp.clientId, token_type_hint: 'refresh_token' }).toString(),
  });
  if (response.status !== 200) throw new Error(`revocation answered ${response.status}`);
}
