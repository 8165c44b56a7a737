// The agent's sign-in with the OpenID provider: one attempt at a time (system browser, PKCE,
// state, nonce, issuer checks), the signed-in session kept in the keychain, its refresh on a
// schedule, and sign-out with revocation and the provider's end-session page.
// Longer than 400 lines on purpose: these steps share one mutable state (the attempt, the session,
// the refresh in flight, the end-session offer) that must change together under one listener set;
// what is pure already lives beside it (pending-ledger, refresh-schedule, provider-client,
// stored-session, redact, preset-support).
import * as oidc from 'openid-client';
import { assertNever } from '../../common/assert-never.js';
import { AgentDeskError, type ErrorBody } from '../../common/errors.js';
import type { Desktop } from '../desktop-port.js';
import { END_SESSION_OFFER_TTL_MS, PENDING_LOGIN_TTL_MS, REFRESH_MIN_INTERVAL_MS, REVOCATION_TIMEOUT_S } from '../limits.js';
import type { FallbackSecretStore } from '../vault/fallback-secret-store.js';
import { providerAccount } from '../vault/keychain-names.js';
import type { AuthLogger } from './auth-logger.js';
import { parseCallbackUrl, type CallbackParams } from './callback-url.js';
import { systemClock, type Clock } from './clock.js';
import { probeAuthorizationUrl } from './redirect-probe.js';
import { openLoopbackReceiver, type LoopbackReceiver } from './loopback-receiver.js';
import { PendingLedger, type PendingLogin } from './pending-ledger.js';
import { createPkcePair } from './pkce.js';
import { codeForOAuthError, createProviderClient, describeProviderError, httpStatusOf, toAuthError } from './provider-client.js';
import type { ProviderConfig } from './provider-config.js';
import { logSafeText, redactUrl } from './redact.js';
import { isFinalRefusal, refreshAtFor, retryDelayMs } from './refresh-schedule.js';
import { parseStoredSession, serializeStoredSession } from './stored-session.js';

/** Who is signed in, as the UI may know it. Never a token. */
export interface AgentIdentity {
  readonly name: string;
  readonly email: string;
}

interface StateCommon {
  /** False when the keychain is unavailable and the sign-in lives in memory for this run only. */
  readonly tokensKept: boolean;
  /** KEYCHAIN_UNAVAILABLE once the keychain failed in this run, so the agent can be told. */
  readonly warning: ErrorBody | null;
}

/** How the last sign-out went at the provider, for the agent to read. */
export interface SignOutReport {
  readonly providerId: string;
  readonly providerLabel: string;
  /** RFC 7009 revocation of the refresh token; `none` when there was no refresh token. */
  readonly revocation: 'revoked' | 'failed' | 'unsupported' | 'none';
  /** RP-initiated logout: opened in the browser, still offered, could not be opened, or the provider has none. */
  readonly endSession: 'performed' | 'offered' | 'failed' | 'unsupported';
  /** Plain words about what remains valid at the provider (coded), most important first. */
  readonly notices: readonly ErrorBody[];
}

export type AuthState = StateCommon &
  (
    | { readonly status: 'signed-out'; readonly reason: ErrorBody | null; readonly signOut: SignOutReport | null }
    | { readonly status: 'waiting'; readonly providerId: string; readonly providerLabel: string; readonly deadline: number }
    | { readonly status: 'signed-in'; readonly providerId: string; readonly agent: AgentIdentity }
  );

export interface SignInOptions {
  /** Ask the provider for the password again even if its browser session is alive (prompt=login). */
  readonly forceLogin?: boolean;
}

export interface SignOutOptions {
  /** Open the provider's end-session page in the system browser now, ending its browser session
   * too. Always done for shared-workstation providers; otherwise offered afterwards (endProviderSession). */
  readonly endSession?: boolean;
  /** Shared workstation: the next sign-in in this run asks for the password again. */
  readonly forceLoginNextTime?: boolean;
}

/** What signOut did; null when nobody was signed in. */
export type SignOutResult = SignOutReport | null;

export interface AuthServiceOptions {
  readonly providers: readonly ProviderConfig[];
  readonly desktop: Desktop;
  /** The OS keychain behind the run's one in-memory fallback (made by the desktop core); the
   * service tells the agent when it is in use. */
  readonly secretStore: FallbackSecretStore;
  readonly logger: AuthLogger;
  readonly clock?: Clock;
  /** Draws the jitter of refresh retries (tests pin it); Math.random by default. */
  readonly random?: () => number;
}

/** The sign-in service the shells call (main process only). */
export interface AuthService {
  /** Opens the system browser on the provider; resolves once signed in, rejects with a coded AgentDeskError. */
  signIn(providerId: string, options?: SignInOptions): Promise<AgentIdentity>;
  /** Ends the pending sign-in with LOGIN_CANCELLED. */
  cancel(): void;
  /**
   * The one entry point for redirects, whoever delivered them (custom-scheme hand-over from the OS,
   * loopback listener). Rejects with the code of a refused callback or of the failed sign-in.
   */
  handleCallbackUrl(url: string): Promise<void>;
  /** The pending attempt's authorization URL (to paste into another browser), or null. */
  pendingAuthorizationUrl(): string | null;
  /** At start: signs the agent back in from the keychain when a refresh token is stored. */
  restore(): Promise<AuthState>;
  currentAgent(): AuthState;
  /** Main process only: a fresh access token for the co-browse handshake. */
  getAccessToken(): Promise<string>;
  /**
   * The access token for a server that asked for identity from `issuer` with `audience`:
   * IDENTITY_OTHER_ISSUER when that is not the agent's provider, IDENTITY_OTHER_AUDIENCE when the
   * provider's resource setting names another audience. Nothing is sent anywhere by this call.
   */
  accessTokenFor(request: { readonly issuer: string; readonly audience: string }): Promise<string>;
  signOut(options?: SignOutOptions): Promise<SignOutResult>;
  /** After a sign-out that offered it: opens the provider's end-session page in the system browser. */
  endProviderSession(): Promise<void>;
  /** Called with every new state; returns the unsubscribe function. */
  onChange(listener: (state: AuthState) => void): () => void;
  /** Stops timers and listeners (app quit). Keeps the stored sign-in. */
  dispose(): Promise<void>;
}

interface Attempt {
  readonly login: PendingLogin;
  readonly provider: ProviderConfig;
  readonly config: oidc.Configuration;
  readonly authorizationUrl: string;
  receiver: LoopbackReceiver | null;
  cancelTimer: () => void;
  settled: boolean;
  readonly resolve: (agent: AgentIdentity) => void;
  readonly reject: (err: AgentDeskError) => void;
}

interface Session {
  readonly provider: ProviderConfig;
  readonly account: string;
  identity: AgentIdentity;
  sub: string | null;
  accessToken: string | null;
  /** Epoch ms; null when the provider did not say. */
  accessExpiresAt: number | null;
  /** Epoch ms at which the access token is renewed (refresh-schedule.ts); null: never by time. */
  refreshAt: number | null;
  refreshToken: string | null;
  /** The latest ID token, in memory only: the end-session request's id_token_hint. */
  idToken: string | null;
  cancelTimer: (() => void) | null;
  /** Network failures of the refresh in a row (the retry's backoff step). */
  failures: number;
  /** Epoch ms before which no refresh request is sent (the floor, or a retry's wait). */
  nextAttemptAt: number;
  /** Why the last refresh failed on the network, while a retry waits. */
  lastFailure: AgentDeskError | null;
}


/**
 * When the session's access token must be replaced: its refresh time, or, without a refresh token
 * (a provider that issues none), its expiry, when the agent is signed out with SIGN_IN_EXPIRED.
 */
function renewAt(session: Pick<Session, 'refreshToken' | 'refreshAt' | 'accessExpiresAt'>): number | null {
  return session.refreshToken ? session.refreshAt : session.accessExpiresAt;
}

export function createAuthService(options: AuthServiceOptions): AuthService {
  return new SignInService(options);
}

class SignInService implements AuthService {
  readonly #providers: ReadonlyMap<string, ProviderConfig>;
  readonly #desktop: Desktop;
  readonly #store: FallbackSecretStore;
  readonly #stopWatchingStore: () => void;
  readonly #logger: AuthLogger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #ledger: PendingLedger;
  readonly #configs = new Map<string, Promise<oidc.Configuration>>();
  readonly #listeners = new Set<(state: AuthState) => void>();
  #attempt: Attempt | null = null;
  #starting = false;
  #session: Session | null = null;
  #refreshing: Promise<void> | null = null;
  #lastReason: ErrorBody | null = null;
  #warning: ErrorBody | null = null;
  #forceLoginNext = false;
  #signOutReport: SignOutReport | null = null;
  /** What endProviderSession needs after a sign-out that offered it; dropped after a while. */
  #endSessionOffer: { readonly provider: ProviderConfig; readonly config: oidc.Configuration; readonly idToken: string | null; readonly cancel: () => void } | null = null;

  constructor(options: AuthServiceOptions) {
    this.#providers = new Map(options.providers.map((p) => [p.id, p]));
    this.#desktop = options.desktop;
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#ledger = new PendingLedger(this.#clock);
    this.#store = options.secretStore;
    this.#warning = this.#store.unavailable?.toBody() ?? null;
    this.#stopWatchingStore = this.#store.onUnavailable((err) => {
      this.#warning = err.toBody();
      this.#logger.warn({ code: err.code }, 'keychain unavailable: the sign-in is kept in memory for this run only');
      this.#emit();
    });
  }

  // ---- state ----

  currentAgent(): AuthState {
    const common: StateCommon = { tokensKept: this.#store.persistent, warning: this.#warning };
    if (this.#attempt) {
      const { provider, login } = this.#attempt;
      return { ...common, status: 'waiting', providerId: provider.id, providerLabel: provider.label, deadline: login.expiresAt };
    }
    if (this.#session) return { ...common, status: 'signed-in', providerId: this.#session.provider.id, agent: this.#session.identity };
    return { ...common, status: 'signed-out', reason: this.#lastReason, signOut: this.#signOutReport };
  }

  onChange(listener: (state: AuthState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    const state = this.currentAgent();
    for (const listener of this.#listeners) {
      try {
        listener(state);
      } catch (err) {
        this.#logger.error({ error: (err as Error).message }, 'auth state listener threw');
      }
    }
  }

  // ---- sign-in ----

  async signIn(providerId: string, options: SignInOptions = {}): Promise<AgentIdentity> {
    if (this.#attempt || this.#starting) throw new AgentDeskError('LOGIN_IN_PROGRESS');
    const provider = this.#providers.get(providerId);
    if (!provider) throw new AgentDeskError('PROVIDER_UNKNOWN');
    this.#starting = true;
    let receiver: LoopbackReceiver | null = null;
    let attempt: Attempt;
    let done: Promise<AgentIdentity>;
    try {
      const config = await this.#config(provider);
      const pkce = await createPkcePair();
      const state = oidc.randomState();
      const nonce = provider.oidc ? oidc.randomNonce() : null;
      const forceLogin = options.forceLogin === true || provider.sharedWorkstation || this.#forceLoginNext;
      const requestFor = (redirectUri: string): string =>
        oidc.buildAuthorizationUrl(config, {
          ...provider.authorizationParams,
          redirect_uri: redirectUri,
          response_type: 'code',
          code_challenge: pkce.challenge,
          code_challenge_method: 'S256',
          state,
          ...(provider.scopes.length > 0 ? { scope: provider.scopes.join(' ') } : {}),
          ...(nonce ? { nonce } : {}),
          ...(forceLogin ? { prompt: 'login' } : {}),
          ...(provider.resource ? { resource: provider.resource } : {}),
        }).href;
      // Each usable redirect in turn: a provider that refuses one (HTTP 400 before any login) is
      // told within seconds, and `auto` goes on to the other mode instead of leaving the agent in
      // front of the provider's error page until LOGIN_TIMEOUT.
      const refused: string[] = [];
      let chosen: { redirectUri: string; authorizationUrl: string } | null = null;
      for (const mode of await this.#redirectModes(provider)) {
        let redirectUri: string;
        if (mode === 'loopback') {
          receiver = await openLoopbackReceiver({
            onCallback: (url) => this.handleCallbackUrl(url),
            logger: this.#logger,
            path: provider.redirect.loopbackPath,
            ...(provider.redirect.loopbackPort !== null ? { port: provider.redirect.loopbackPort } : {}),
          });
          redirectUri = receiver.redirectUri;
        } else {
          redirectUri = new URL(provider.redirect.customSchemeUri).href;
        }
        const url = requestFor(redirectUri);
        if ((await probeAuthorizationUrl(url, this.#desktop.network?.fetch)) !== 'refused') {
          chosen = { redirectUri, authorizationUrl: url };
          break;
        }
        this.#logger.warn({ providerId, redirect: redactUrl(redirectUri), mode }, 'the provider refuses this redirect URI');
        refused.push(redirectUri);
        await (receiver as LoopbackReceiver | null)?.close();
        receiver = null;
      }
      if (!chosen) {
        throw new AgentDeskError(
          'REDIRECT_REFUSED',
          `Your identity provider does not accept AgentDesk's redirect address (${refused.join(', ')}). Ask your administrator to register it with the provider, or, for a provider that compares addresses exactly, to set a fixed loopback port.`,
        );
      }
      const { redirectUri, authorizationUrl } = chosen;
      const login: PendingLogin = {
        state,
        providerId: provider.id,
        issuer: config.serverMetadata().issuer,
        redirectUri,
        codeVerifier: pkce.verifier,
        nonce,
        expiresAt: this.#clock.now() + PENDING_LOGIN_TTL_MS,
      };
      this.#ledger.add(login);
      let resolve!: (agent: AgentIdentity) => void;
      let reject!: (err: AgentDeskError) => void;
      done = new Promise<AgentIdentity>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      attempt = { login, provider, config, authorizationUrl, receiver: receiver as LoopbackReceiver | null, cancelTimer: () => {}, settled: false, resolve, reject };
      attempt.cancelTimer = this.#clock.setTimer(PENDING_LOGIN_TTL_MS, () => this.#settleFailure(attempt, new AgentDeskError('LOGIN_TIMEOUT')));
      this.#attempt = attempt;
    } catch (err) {
      await (receiver as LoopbackReceiver | null)?.close();
      const coded = toAuthError(err, 'discovery');
      this.#lastReason = coded.toBody();
      this.#logger.warn({ providerId, code: coded.code, detail: coded.cause instanceof Error ? coded.cause.message : undefined }, 'sign-in could not start');
      this.#emit();
      throw coded;
    } finally {
      this.#starting = false;
    }
    this.#forceLoginNext = false;
    this.#lastReason = null;
    this.#dropEndSessionOffer();
    this.#signOutReport = null;
    this.#logger.info({ providerId, redirect: redactUrl(attempt.login.redirectUri), loopback: attempt.receiver !== null }, 'sign-in started');
    this.#emit();
    try {
      await this.#desktop.openExternal(attempt.authorizationUrl);
    } catch (err) {
      this.#logger.warn({ providerId, error: (err as Error).message }, 'the system browser could not be opened');
      this.#settleFailure(attempt, new AgentDeskError('BROWSER_UNAVAILABLE'));
    }
    return done;
  }

  /** The redirect modes to try, in order: `auto` is the custom scheme when the OS hands it to us, then loopback. */
  async #redirectModes(provider: ProviderConfig): Promise<readonly ('custom-scheme' | 'loopback')[]> {
    switch (provider.redirect.mode) {
      case 'custom-scheme':
        return ['custom-scheme'];
      case 'loopback':
        return ['loopback'];
      case 'auto': {
        const scheme = new URL(provider.redirect.customSchemeUri).protocol.slice(0, -1);
        return (await this.#desktop.isSchemeRegistered(scheme)) ? ['custom-scheme', 'loopback'] : ['loopback'];
      }
      default:
        return assertNever(provider.redirect.mode, 'redirect mode');
    }
  }

  cancel(): void {
    if (this.#attempt) this.#settleFailure(this.#attempt, new AgentDeskError('LOGIN_CANCELLED'));
  }

  pendingAuthorizationUrl(): string | null {
    return this.#attempt?.authorizationUrl ?? null;
  }

  #endAttempt(attempt: Attempt): boolean {
    if (attempt.settled) return false;
    attempt.settled = true;
    attempt.cancelTimer();
    this.#ledger.remove(attempt.login.state);
    if (this.#attempt === attempt) this.#attempt = null;
    // Closed after the first valid callback or when the attempt ends any other way.
    void attempt.receiver?.close();
    return true;
  }

  #settleFailure(attempt: Attempt, err: AgentDeskError): void {
    if (!this.#endAttempt(attempt)) return;
    this.#lastReason = err.toBody();
    this.#logger.warn({ providerId: attempt.provider.id, code: err.code, detail: err.cause instanceof Error ? err.cause.message : undefined }, 'sign-in failed');
    attempt.reject(err);
    this.#emit();
  }

  #acceptedRedirects(): Set<string> {
    const bases = new Set<string>();
    for (const p of this.#providers.values()) {
      if (p.redirect.mode !== 'loopback') bases.add(new URL(p.redirect.customSchemeUri).href);
    }
    if (this.#attempt) bases.add(this.#attempt.login.redirectUri);
    return bases;
  }

  async handleCallbackUrl(url: string): Promise<void> {
    let params: CallbackParams;
    try {
      params = parseCallbackUrl(url, this.#acceptedRedirects());
    } catch (err) {
      this.#logger.warn({ url: redactUrl(url), code: (err as AgentDeskError).code }, 'callback refused');
      throw err;
    }
    const attempt = this.#attempt;
    const found = this.#ledger.find(params.state);
    if (!attempt || found.kind === 'unknown' || found.login !== attempt.login) {
      this.#logger.warn({ url: redactUrl(url), code: 'STATE_MISMATCH' }, 'callback refused: unknown, used or expired state');
      throw new AgentDeskError('STATE_MISMATCH');
    }
    if (found.kind === 'expired') {
      const err = new AgentDeskError('LOGIN_TIMEOUT');
      this.#settleFailure(attempt, err);
      throw err;
    }
    if (params.redirectBase !== attempt.login.redirectUri) {
      this.#logger.warn({ url: redactUrl(url), code: 'CALLBACK_INVALID' }, 'callback refused: redirect URI differs from the one sent');
      throw new AgentDeskError('CALLBACK_INVALID');
    }
    // The state is consumed here: a replay of this URL is unknown from now on.
    this.#ledger.take(params.state);
    try {
      const session = await this.#exchange(attempt, params);
      if (attempt.settled) return;
      this.#endAttempt(attempt);
      await this.#replaceSession(session);
      this.#lastReason = null;
      this.#logger.info({ providerId: attempt.provider.id, tokensKept: this.#store.persistent }, 'signed in');
      attempt.resolve(session.identity);
      this.#emit();
    } catch (err) {
      const coded = toAuthError(err, 'token');
      this.#settleFailure(attempt, coded);
      throw coded;
    }
  }

  async #exchange(attempt: Attempt, params: CallbackParams): Promise<Session> {
    const { provider, config, login } = attempt;
    const metadata = config.serverMetadata();
    // RFC 9207: checked before anything else in the response is believed, error responses included.
    if (params.iss !== null ? params.iss !== metadata.issuer : metadata.authorization_response_iss_parameter_supported === true) {
      throw new AgentDeskError('ISSUER_MISMATCH');
    }
    if (params.error !== null) {
      this.#logger.warn(
        { providerId: provider.id, error: logSafeText(params.error, 64), description: params.errorDescription ? logSafeText(params.errorDescription) : undefined },
        'the provider returned an error',
      );
      throw new AgentDeskError(codeForOAuthError(params.error));
    }
    const tokens = await oidc.authorizationCodeGrant(config, params.url, {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: login.state,
      ...(login.nonce ? { expectedNonce: login.nonce } : {}),
      idTokenExpected: provider.oidc,
    }, provider.resource ? { resource: provider.resource } : undefined);
    const { identity, sub } = await this.#identify(provider, config, tokens);
    const session: Session = {
      provider,
      account: providerAccount(provider.id, provider.clientId),
      identity,
      sub,
      accessToken: null,
      accessExpiresAt: null,
      refreshAt: null,
      refreshToken: tokens.refresh_token ?? null,
      idToken: tokens.id_token ?? null,
      cancelTimer: null,
      failures: 0,
      nextAttemptAt: 0,
      lastFailure: null,
    };
    this.#takeAccessToken(session, tokens);
    return session;
  }

  /** Records a new access token and when to renew it, measured on our clock from now: the response has just arrived. */
  #takeAccessToken(session: Session, tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): void {
    const now = this.#clock.now();
    const seconds = tokens.expires_in;
    const lifetimeMs = typeof seconds === 'number' && Number.isFinite(seconds) ? Math.max(0, seconds) * 1000 : null;
    session.accessToken = tokens.access_token;
    session.accessExpiresAt = lifetimeMs === null ? null : now + lifetimeMs;
    session.refreshAt = refreshAtFor(now, lifetimeMs);
    // The token request that brought it counts for the floor between requests.
    session.nextAttemptAt = now + REFRESH_MIN_INTERVAL_MS;
    session.failures = 0;
    session.lastFailure = null;
  }

  async #identify(
    provider: ProviderConfig,
    config: oidc.Configuration,
    tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  ): Promise<{ identity: AgentIdentity; sub: string | null }> {
    if (provider.oidc) {
      const claims = tokens.claims();
      if (!claims) throw new AgentDeskError('ID_TOKEN_INVALID');
      let name = nameFrom(claims);
      let email = text(claims.email);
      // Some providers (oidc-provider by default, Entra for some claims) release profile claims
      // through userinfo only when an access token is issued.
      if (!email && config.serverMetadata().userinfo_endpoint) {
        let info: oidc.UserInfoResponse;
        try {
          info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        } catch (err) {
          throw toAuthError(err, 'userinfo');
        }
        email = text(info.email);
        name ??= nameFrom(info);
      }
      if (!email) throw new AgentDeskError('ID_TOKEN_NO_EMAIL');
      return { identity: { name: name ?? email, email }, sub: claims.sub };
    }
    if (provider.server.kind === 'explicit' && provider.server.profileUrl) {
      let body: unknown;
      try {
        const response = await oidc.fetchProtectedResource(config, tokens.access_token, new URL(provider.server.profileUrl), 'GET');
        if (!response.ok) throw new AgentDeskError(response.status >= 500 ? 'PROVIDER_UNREACHABLE' : 'PROVIDER_ERROR');
        body = await response.json();
      } catch (err) {
        throw toAuthError(err, 'userinfo');
      }
      const profile = (body ?? {}) as Record<string, unknown>;
      const email = text(profile.email);
      if (!email) throw new AgentDeskError('ID_TOKEN_NO_EMAIL');
      return { identity: { name: text(profile.name) ?? email, email }, sub: text(profile.id) };
    }
    return { identity: { name: provider.label, email: '' }, sub: null };
  }

  async #replaceSession(session: Session): Promise<void> {
    const previous = this.#session;
    if (previous) {
      previous.cancelTimer?.();
      if (previous.account !== session.account) await this.#store.delete(previous.account);
    }
    await this.#persist(session);
    this.#session = session;
    this.#schedule(session);
  }

  async #persist(session: Session): Promise<void> {
    if (!session.refreshToken) {
      await this.#store.delete(session.account);
      return;
    }
    await this.#store.set(
      session.account,
      serializeStoredSession({
        v: 1,
        issuer: session.provider.server.issuer,
        client_id: session.provider.clientId,
        refresh_token: session.refreshToken,
        sub: session.sub,
        name: session.identity.name,
        email: session.identity.email,
        saved_at: this.#clock.now(),
      }),
    );
  }

  async #config(provider: ProviderConfig): Promise<oidc.Configuration> {
    let pending = this.#configs.get(provider.id);
    if (!pending) {
      pending = createProviderClient(provider, this.#desktop.network?.fetch);
      this.#configs.set(provider.id, pending);
      // A failed discovery is tried again next time, not cached.
      pending.catch(() => this.#configs.delete(provider.id));
    }
    return pending;
  }

  // ---- keeping the access token fresh ----

  #schedule(session: Session, delayMs?: number): void {
    session.cancelTimer?.();
    session.cancelTimer = null;
    if (delayMs === undefined) {
      const at = renewAt(session);
      if (at === null) return;
      delayMs = Math.max(0, at - this.#clock.now());
    }
    session.cancelTimer = this.#clock.setTimer(delayMs, () => {
      session.cancelTimer = null;
      this.#refresh(session).catch(() => {
        // Handled inside: signed out, or another try scheduled.
      });
    });
  }

  #refresh(session: Session): Promise<void> {
    if (this.#refreshing) return this.#refreshing;
    const run = this.#runRefresh(session).finally(() => {
      if (this.#refreshing === run) this.#refreshing = null;
    });
    this.#refreshing = run;
    return run;
  }

  async #runRefresh(session: Session): Promise<void> {
    const refreshToken = session.refreshToken;
    if (!refreshToken) {
      const err = new AgentDeskError('SIGN_IN_EXPIRED');
      await this.#dropSession(session, err);
      throw err;
    }
    session.nextAttemptAt = this.#clock.now() + REFRESH_MIN_INTERVAL_MS;
    let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
    try {
      const config = await this.#config(session.provider);
      tokens = await oidc.refreshTokenGrant(config, refreshToken, session.provider.resource ? { resource: session.provider.resource } : undefined);
    } catch (err) {
      const coded = toAuthError(err, 'refresh');
      if (this.#session !== session) throw coded;
      const status = httpStatusOf(err);
      // Any refusal by the token endpoint is final, whatever its body says (an empty 400 too);
      // only the network, 5xx and "try later" are worth another try.
      const final = isFinalRefusal(status)
        ? new AgentDeskError('SIGN_IN_ENDED', undefined, { cause: coded.cause ?? coded })
        : coded.code === 'ID_TOKEN_INVALID'
          ? coded
          : null;
      if (final) {
        this.#logger.warn({ providerId: session.provider.id, status, code: coded.code }, 'the provider refused the refresh');
        await this.#dropSession(session, final);
        throw final;
      }
      this.#retryLater(session, coded);
      throw coded;
    }
    if (this.#session !== session) return;
    const claims = tokens.claims();
    // OIDC Core §12.2: a refreshed ID token must name the same person.
    if (claims && session.sub !== null && claims.sub !== session.sub) {
      const err = new AgentDeskError('ID_TOKEN_SUBJECT_CHANGED');
      await this.#dropSession(session, err);
      throw err;
    }
    const rotated = tokens.refresh_token ?? refreshToken;
    session.refreshToken = rotated;
    if (tokens.id_token) session.idToken = tokens.id_token;
    if (claims) {
      session.identity = { name: nameFrom(claims) ?? session.identity.name, email: text(claims.email) ?? session.identity.email };
    }
    // The rotated refresh token reaches the keychain before the new access token is handed out:
    // if the app dies in between, the stored token is the one the provider still accepts.
    if (rotated !== refreshToken) await this.#persist(session);
    if (this.#session !== session) return;
    this.#takeAccessToken(session, tokens);
    this.#schedule(session);
    this.#logger.info({ providerId: session.provider.id, rotated: rotated !== refreshToken }, 'access token refreshed');
  }

  #retryLater(session: Session, err: AgentDeskError): void {
    session.failures += 1;
    const delayMs = retryDelayMs(session.failures, this.#random);
    session.nextAttemptAt = this.#clock.now() + delayMs;
    session.lastFailure = err;
    this.#logger.warn({ providerId: session.provider.id, code: err.code, retryInMs: delayMs }, 'refresh failed; retrying later');
    this.#schedule(session, delayMs);
  }

  async #dropSession(session: Session, reason: AgentDeskError): Promise<void> {
    if (this.#session !== session) return;
    this.#session = null;
    session.cancelTimer?.();
    session.refreshToken = null;
    session.accessToken = null;
    await this.#store.delete(session.account);
    this.#lastReason = reason.toBody();
    this.#logger.warn({ providerId: session.provider.id, code: reason.code }, 'signed out');
    this.#emit();
  }

  async getAccessToken(): Promise<string> {
    const session = this.#session;
    if (!session) throw new AgentDeskError('NOT_SIGNED_IN');
    const now = this.#clock.now();
    const at = renewAt(session);
    if (session.accessToken && (at === null || now < at)) return session.accessToken;
    const stillValid = () => this.#session === session && session.accessToken !== null && (session.accessExpiresAt === null || session.accessExpiresAt > this.#clock.now());
    if (!this.#refreshing && now < session.nextAttemptAt) {
      // Too soon to ask the provider again (the floor, or a retry's wait): callers that ask in a
      // loop must not turn into a refresh storm. The current token while it lasts, else why not.
      if (stillValid()) return session.accessToken!;
      if (session.lastFailure) throw session.lastFailure;
      if (session.accessToken) return session.accessToken;
      throw new AgentDeskError('NOT_SIGNED_IN');
    }
    try {
      await this.#refresh(session);
    } catch (err) {
      // A network failure keeps the agent signed in while the current token is still valid.
      if (stillValid()) return session.accessToken!;
      throw err;
    }
    if (this.#session !== session || !session.accessToken) throw new AgentDeskError('NOT_SIGNED_IN');
    return session.accessToken;
  }

  async accessTokenFor(request: { readonly issuer: string; readonly audience: string }): Promise<string> {
    const session = this.#session;
    if (!session) throw new AgentDeskError('NOT_SIGNED_IN');
    const config = await this.#config(session.provider).catch(() => null);
    const issuer = config?.serverMetadata().issuer ?? session.provider.server.issuer;
    if (request.issuer !== issuer) {
      this.#logger.warn({ providerId: session.provider.id, code: 'IDENTITY_OTHER_ISSUER' }, 'the co-browse server asks for identity from another issuer: no token sent');
      throw new AgentDeskError('IDENTITY_OTHER_ISSUER');
    }
    if (session.provider.resource !== null && session.provider.resource !== request.audience) {
      this.#logger.warn({ providerId: session.provider.id, code: 'IDENTITY_OTHER_AUDIENCE' }, 'the co-browse server asks for another audience than the resource setting: no token sent');
      throw new AgentDeskError('IDENTITY_OTHER_AUDIENCE');
    }
    return this.getAccessToken();
  }

  // ---- restart and sign-out ----

  async restore(): Promise<AuthState> {
    if (this.#session || this.#attempt) return this.currentAgent();
    for (const provider of this.#providers.values()) {
      const account = providerAccount(provider.id, provider.clientId);
      const text = await this.#store.get(account);
      if (text === null) continue;
      const stored = parseStoredSession(text);
      if (!stored || stored.issuer !== provider.server.issuer || stored.client_id !== provider.clientId) {
        this.#logger.warn({ providerId: provider.id }, 'ignoring a keychain entry that does not match the provider configuration');
        await this.#store.delete(account);
        continue;
      }
      const session: Session = {
        provider,
        account,
        identity: { name: stored.name, email: stored.email },
        sub: stored.sub,
        accessToken: null,
        accessExpiresAt: null,
        refreshAt: null,
        refreshToken: stored.refresh_token,
        idToken: null,
        cancelTimer: null,
        failures: 0,
        nextAttemptAt: 0,
        lastFailure: null,
      };
      this.#session = session;
      this.#logger.info({ providerId: provider.id }, 'sign-in restored from the keychain');
      this.#emit();
      try {
        await this.#refresh(session);
      } catch {
        // A refusal signed the agent out (SIGN_IN_ENDED); a network failure keeps them signed in and retries.
      }
      break;
    }
    return this.currentAgent();
  }

  async signOut(options: SignOutOptions = {}): Promise<SignOutResult> {
    this.cancel();
    if (options.forceLoginNextTime) this.#forceLoginNext = true;
    if (this.#refreshing) await this.#refreshing.catch(() => {});
    const session = this.#session;
    if (!session) return null;
    const { provider } = session;
    this.#session = null;
    session.cancelTimer?.();
    const refreshToken = session.refreshToken;
    const idToken = session.idToken;
    session.refreshToken = null;
    session.accessToken = null;
    session.idToken = null;
    await this.#store.delete(session.account);
    let config: oidc.Configuration | null = null;
    try {
      config = await this.#config(provider);
    } catch (err) {
      this.#logger.warn({ providerId: provider.id, error: describeProviderError(err) }, 'sign-out: provider unreachable, refresh token not revoked');
    }
    const metadata = config?.serverMetadata();
    let revocation: SignOutReport['revocation'] = 'none';
    if (refreshToken) revocation = config === null ? 'failed' : metadata?.revocation_endpoint ? await this.#revoke(provider, config, refreshToken) : 'unsupported';
    let endSession: SignOutReport['endSession'] = 'unsupported';
    if (config && metadata?.end_session_endpoint) {
      if (options.endSession === true || provider.sharedWorkstation) {
        endSession = (await this.#openEndSession(provider, config, idToken)) ? 'performed' : 'failed';
      } else {
        endSession = 'offered';
        this.#offerEndSession(provider, config, idToken);
      }
    }
    const notices: ErrorBody[] = [];
    if (revocation === 'failed') notices.push(new AgentDeskError('SIGN_OUT_NOT_REVOKED').toBody());
    if (revocation === 'unsupported') notices.push(new AgentDeskError('SIGN_OUT_REVOCATION_UNSUPPORTED').toBody());
    if (endSession === 'failed') notices.push(new AgentDeskError('END_SESSION_UNAVAILABLE').toBody());
    this.#signOutReport = { providerId: provider.id, providerLabel: provider.label, revocation, endSession, notices };
    this.#lastReason = null;
    this.#logger.info({ providerId: provider.id, revocation, endSession }, 'signed out');
    this.#emit();
    return this.#signOutReport;
  }

  async #revoke(provider: ProviderConfig, config: oidc.Configuration, refreshToken: string): Promise<'revoked' | 'failed'> {
    const previousTimeout = config.timeout;
    config.timeout = REVOCATION_TIMEOUT_S;
    try {
      await oidc.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
      return 'revoked';
    } catch (err) {
      this.#logger.warn({ providerId: provider.id, error: describeProviderError(err) }, 'sign-out: revocation failed');
      return 'failed';
    } finally {
      config.timeout = previousTimeout;
    }
  }

  /**
   * RP-initiated logout in the system browser: a GET with client_id (and post_logout_redirect_uri
   * when configured). id_token_hint only for providers set to need it: it puts the ID token in the
   * browser's address bar and history, and a POST would not carry the provider's SameSite=Lax
   * session cookie (oidc-provider refuses POST there for that reason), so it could not end anything.
   */
  async #openEndSession(provider: ProviderConfig, config: oidc.Configuration, idToken: string | null): Promise<boolean> {
    const params: Record<string, string> = {
      client_id: provider.clientId,
      ...(provider.postLogoutRedirectUri ? { post_logout_redirect_uri: provider.postLogoutRedirectUri } : {}),
      ...(provider.endSessionIdTokenHint && idToken ? { id_token_hint: idToken } : {}),
    };
    try {
      const url = oidc.buildEndSessionUrl(config, params).href;
      await this.#desktop.openExternal(url);
      this.#logger.info({ providerId: provider.id, endSession: redactUrl(url) }, 'sign-out: end-session page opened');
      return true;
    } catch (err) {
      this.#logger.warn({ providerId: provider.id, error: (err as Error).message }, 'sign-out: the end-session page could not be opened');
      return false;
    }
  }

  #offerEndSession(provider: ProviderConfig, config: oidc.Configuration, idToken: string | null): void {
    this.#dropEndSessionOffer();
    const cancel = this.#clock.setTimer(END_SESSION_OFFER_TTL_MS, () => {
      this.#endSessionOffer = null;
      if (this.#signOutReport?.endSession === 'offered') {
        this.#signOutReport = { ...this.#signOutReport, endSession: 'unsupported' };
        this.#emit();
      }
    });
    this.#endSessionOffer = { provider, config, idToken, cancel };
  }

  #dropEndSessionOffer(): void {
    this.#endSessionOffer?.cancel();
    this.#endSessionOffer = null;
  }

  async endProviderSession(): Promise<void> {
    const offer = this.#endSessionOffer;
    const report = this.#signOutReport;
    if (!offer || !report || this.#session) throw new AgentDeskError('END_SESSION_UNAVAILABLE');
    this.#dropEndSessionOffer();
    const opened = await this.#openEndSession(offer.provider, offer.config, offer.idToken);
    if (this.#signOutReport === report) {
      const notices = report.notices.filter((n) => n.code !== 'END_SESSION_UNAVAILABLE');
      this.#signOutReport = {
        ...report,
        endSession: opened ? 'performed' : 'failed',
        notices: opened ? notices : [...notices, new AgentDeskError('END_SESSION_UNAVAILABLE').toBody()],
      };
      this.#emit();
    }
    if (!opened) throw new AgentDeskError('END_SESSION_UNAVAILABLE');
  }

  async dispose(): Promise<void> {
    this.cancel();
    this.#dropEndSessionOffer();
    this.#session?.cancelTimer?.();
    this.#listeners.clear();
    this.#stopWatchingStore();
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function nameFrom(claims: Readonly<Record<string, unknown>>): string | null {
  const given = text(claims.given_name);
  const family = text(claims.family_name);
  return text(claims.name) ?? (given || family ? [given, family].filter(Boolean).join(' ') : null) ?? text(claims.preferred_username);
}
