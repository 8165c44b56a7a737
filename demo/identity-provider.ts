// A development OpenID Provider for the demo stack and the end-to-end tests: the certified
// oidc-provider, with a first-party login page labelled "Email" and "Password", native clients
// (custom-scheme and loopback redirects), PKCE required, refresh-token rotation, revocation and
// end-session, and JWT access tokens for the co-browse server's audience.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, type Configuration } from 'oidc-provider';
import { renderLoginPage, renderMessagePage } from './identity-provider-pages.js';

export interface DemoAccount {
  readonly sub: string;
  readonly email: string;
  readonly name: string;
  readonly password: string;
}

export interface DemoClient {
  readonly clientId: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
}

export interface IdentityProviderOptions {
  /** Loopback address only: this provider is for demos and tests. */
  readonly host?: '127.0.0.1' | 'localhost';
  /** 0 picks a free port. */
  readonly port?: number;
  readonly accounts: readonly DemoAccount[];
  readonly clients: readonly DemoClient[];
  /** `aud` of the JWT access tokens (the co-browse server's per-agent identity check). */
  readonly accessTokenAudience: string;
  /** Seconds; short in tests that exercise refresh. */
  readonly accessTokenTtl?: number;
  readonly refreshTokenTtl?: number;
}

export interface RunningIdentityProvider {
  readonly issuer: string;
  readonly provider: Provider;
  close(): Promise<void>;
}

// Login form bodies are two short fields; anything larger is not a person typing.
const MAX_FORM_BYTES = 8 * 1024;
const DEFAULT_ACCESS_TOKEN_TTL_S = 10 * 60;
const DEFAULT_REFRESH_TOKEN_TTL_S = 8 * 60 * 60;

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<RunningIdentityProvider> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host}:${port}`;

  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'demo-rs256', alg: 'RS256', use: 'sig' };

  const accounts = new Map(options.accounts.map((a) => [a.sub, a]));
  const configuration: Configuration = {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [...c.redirectUris],
      post_logout_redirect_uris: [...(c.postLogoutRedirectUris ?? [])],
    })),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = renderMessagePage('Sign out', 'Sign out of the demo identity provider?', form, 'Sign out');
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = renderMessagePage('Signed out', 'You are signed out. You can close this tab.', '', null);
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.accessTokenAudience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== options.accessTokenAudience) throw new errors.InvalidTarget();
          return {
            scope: 'agent',
            audience: options.accessTokenAudience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: options.accessTokenTtl ?? DEFAULT_ACCESS_TOKEN_TTL_S,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    ttl: {
      AccessToken: options.accessTokenTtl ?? DEFAULT_ACCESS_TOKEN_TTL_S,
      RefreshToken: options.refreshTokenTtl ?? DEFAULT_REFRESH_TOKEN_TTL_S,
      IdToken: 10 * 60,
      Interaction: 10 * 60,
      Session: 8 * 60 * 60,
      Grant: 8 * 60 * 60,
    },
    // Refresh tokens are one-time: each refresh returns a new one (public clients).
    rotateRefreshToken: true,
    // OIDC Core §11 lets a provider grant offline access on "other conditions" than
    // prompt=consent: these first-party desktop clients always get a refresh token, and it outlives
    // the browser session, as a workforce provider configured for a desktop app does.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: () => false,
    extraTokenClaims: (_ctx, token) => {
      const account = 'accountId' in token ? accounts.get(token.accountId) : undefined;
      return account ? { email: account.email, name: account.name } : undefined;
    },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: account.sub,
        claims: () => ({ sub: account.sub, email: account.email, email_verified: true, name: account.name }),
      };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderMessagePage('Sign-in error', `${out.error}: ${out.error_description ?? ''}`, '', null);
    },
  };

  const provider = new Provider(issuer, configuration);
  // Development only: the issuer is plain http on loopback.
  provider.proxy = false;
  const callback = provider.callback();

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const match = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(url.pathname);
    if (!match) {
      void callback(req, res);
      return;
    }
    handleInteraction(provider, accounts, req, res, match[2]).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        res.end(renderMessagePage('Sign-in error', error instanceof Error ? error.message : 'Sign-in failed.', '', null));
      } else {
        res.destroy();
      }
    });
  });

  return {
    issuer,
    provider,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handleInteraction(
  provider: Provider,
  accounts: ReadonlyMap<string, DemoAccount>,
  req: IncomingMessage,
  res: ServerResponse,
  action: string | undefined,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params } = details;

  if (action === 'abort') {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The agent cancelled the sign-in.' }, { mergeWithLastSubmission: false });
    return;
  }

  if (prompt.name === 'login') {
    if (action !== 'login' || req.method !== 'POST') {
      sendHtml(res, 200, renderLoginPage(uid, typeof params.login_hint === 'string' ? params.login_hint : '', null));
      return;
    }
    const form = await readForm(req);
    const email = form.get('email') ?? '';
    const password = form.get('password') ?? '';
    const account = [...accounts.values()].find((a) => a.email.toLowerCase() === email.trim().toLowerCase());
    if (!account || !sameSecret(password, account.password)) {
      sendHtml(res, 200, renderLoginPage(uid, email, 'That email and password do not match a demo account.'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    return;
  }

  if (prompt.name === 'consent') {
    // The demo's clients are first-party: consent is granted for what they asked.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session?.accountId ?? '', clientId: String(params.client_id) });
    if (!grant) throw new Error('The sign-in grant expired. Start the sign-in again.');
    const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }

  throw new Error(`Unsupported sign-in step: ${prompt.name}`);
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error('The sign-in form was too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // No form-action: Chromium applies it to the whole redirect chain, which ends at the app's
    // custom scheme or loopback redirect.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(html);
}
