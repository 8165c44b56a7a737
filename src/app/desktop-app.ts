// The desktop's main-process core: sign-in, the keychain, settings and the co-browse channel
// behind the one API both shells expose to the renderer (common/api.ts). Shells only translate OS
// and IPC events into calls on this object.
// Just over 400 lines: the handler table (one entry per AgentDeskApi operation) is the core's
// contract and is kept whole here; the services it wires live in src/auth, src/cobrowse, src/vault.
import {
  type ApiArguments,
  type ApiOperation,
  type ApiResult,
  type AppState,
  type PageFrameListener,
  type ProviderSettings,
  type SettingsInput,
  type SignInState,
  type UiError,
  type ApiValue,
  type MirrorWindow,
} from '../../common/api.js';
import { assertNever } from '../../common/assert-never.js';
import { AgentDeskError } from '../../common/errors.js';
import type { AgentAction } from '../../common/protocol.js';
import { createAuthService, type AuthService, type AuthState } from '../auth/auth-service.js';
import { loadProvidersFile, providerFromSettings, type ProviderConfig } from '../auth/provider-config.js';
import { createCobrowseChannel, type CobrowseChannel } from '../cobrowse/cobrowse-channel.js';
import { INITIAL_CHANNEL_STATE } from '../cobrowse/channel-state.js';
import { decodePageFrame } from '../cobrowse/page-frame.js';
import { createReplayBuffer } from '../../common/replay-buffer.js';
import { createAgentTokenStore, type AgentTokenStore } from '../vault/agent-token-store.js';
import { FallbackSecretStore } from '../vault/fallback-secret-store.js';
import { callbackBases, findCallbackUrl } from './deep-link.js';
import { accessTokenForServer } from './server-identity.js';
import type { DesktopApp, DesktopAppOptions } from './desktop-app-types.js';
import { EMPTY_SETTINGS, readSettings, settingsPath, writeSettings } from './settings-file.js';

/** How long `signIn` waits for the system browser to be opened before answering the renderer. */
const SIGN_IN_START_TIMEOUT_MS = 20_000;

/** One handler per operation, typed against AgentDeskApi: a missing or mistyped one does not compile. */
type Handlers = { readonly [Op in ApiOperation]: (...args: ApiArguments<Op>) => Promise<ApiValue<Op>> };

export function createDesktopApp(options: DesktopAppOptions): DesktopApp {
  return new Core(options);
}

class Core implements DesktopApp {
  readonly #options: DesktopAppOptions;
  readonly #logger: DesktopAppOptions['logger'];
  readonly #agentTokens: AgentTokenStore;
  readonly #secrets: FallbackSecretStore;
  readonly #listeners = new Set<(state: AppState) => void>();
  readonly #frameListeners = new Set<PageFrameListener>();
  /** Frames for a renderer that connects mid-session (a reloaded browser-shell tab, a second tab). */
  readonly #frameLog = createReplayBuffer();
  #settings: SettingsInput = EMPTY_SETTINGS;
  #fileProviders: ProviderConfig[] = [];
  #providers: ProviderConfig[] = [];
  #auth: AuthService | null = null;
  #authUnsubscribe: (() => void) | null = null;
  #channel: CobrowseChannel | null = null;
  #channelUnsubscribe: (() => void) | null = null;
  #framesUnsubscribe: (() => void) | null = null;
  #agentTokenSet = false;
  #notices = new Map<string, UiError>();
  #started = false;
  /** Where the agent asked for the mirror; reported as `main` whenever no session is live. */
  #mirrorWindow: MirrorWindow = 'main';
  #state: AppState;

  constructor(options: DesktopAppOptions) {
    this.#options = options;
    this.#logger = options.logger;
    // One fallback for the run: the agent token and the sign-in share the keychain's fate.
    this.#secrets = new FallbackSecretStore(options.secretStore, (err) => {
      this.#logger.warn({ code: err.code }, 'keychain unavailable: secrets are kept in memory for this run only');
      this.#notice(err.code, err.toBody());
    });
    this.#agentTokens = createAgentTokenStore(this.#secrets);
    this.#state = this.#compose();
  }

  // ---- lifecycle ----

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    try {
      this.#settings = await readSettings(settingsPath(this.#options.desktop.appDataDir));
    } catch (err) {
      this.#noticeFrom('settings', err);
    }
    if (this.#options.providersFile) {
      try {
        this.#fileProviders = await loadProvidersFile(this.#options.providersFile);
      } catch (err) {
        this.#noticeFrom('providers-file', err);
      }
    }
    try {
      this.#agentTokenSet = await this.#agentTokens.has();
    } catch (err) {
      this.#noticeFrom('agent-token', err);
    }
    await this.#replaceAuth();
  }

  async dispose(): Promise<void> {
    await this.#closeChannel();
    this.#authUnsubscribe?.();
    await this.#auth?.dispose();
    this.#auth = null;
    this.#listeners.clear();
    this.#frameListeners.clear();
  }

  // ---- state ----

  state(): AppState {
    return this.#state;
  }

  onState(listener: (state: AppState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onPageFrame(listener: PageFrameListener): () => void {
    for (const frame of this.#frameLog.frames()) listener(frame);
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }

  #forwardFrame(bytes: Buffer, receivedAt: number): void {
    const frame = decodePageFrame(bytes, receivedAt);
    if (frame === null) {
      this.#logger.warn({ bytes: bytes.length, kind: bytes[0] ?? null }, 'page frame dropped: unknown kind, or a compressed payload that does not inflate within the limit');
      return;
    }
    this.#frameLog.add(frame);
    for (const listener of this.#frameListeners) {
      try {
        listener(frame);
      } catch (err) {
        this.#logger.error({ error: (err as Error).message }, 'page frame listener threw');
      }
    }
  }

  #emit(): void {
    const { status } = this.#channel?.state().session ?? INITIAL_CHANNEL_STATE.session;
    if (status !== 'joined' && status !== 'reconnecting') {
      this.#frameLog.clear();
      // The pop-out closes with the session; the next session starts in the main window.
      this.#mirrorWindow = 'main';
    }
    this.#state = this.#compose();
    for (const listener of this.#listeners) {
      try {
        listener(this.#state);
      } catch (err) {
        this.#logger.error({ error: (err as Error).message }, 'state listener threw');
      }
    }
  }

  #compose(): AppState {
    const channel = this.#channel?.state() ?? INITIAL_CHANNEL_STATE;
    const auth = this.#auth?.currentAgent() ?? null;
    const notices = new Map(this.#notices);
    // The sign-in service reports its own keychain fallback; the agent is told once.
    if (auth?.warning) notices.set(auth.warning.code, auth.warning);
    return {
      notices: [...notices.values()],
      signIn: signInStateOf(auth),
      connection: channel.connection,
      session: channel.session,
      settings: {
        serverUrl: this.#serverUrl(),
        agentTokenSet: this.#agentTokenSet,
        providers: this.#providers.map((p) => ({ id: p.id, label: p.label })),
      },
      mirrorWindow: this.#mirrorWindow,
    };
  }

  #notice(key: string, error: UiError): void {
    this.#notices.set(key, error);
    this.#emit();
  }

  #noticeFrom(key: string, err: unknown): void {
    const body = toUiError(err);
    this.#logger.warn({ code: body.code }, `${key}: ${body.message}`);
    this.#notice(key, body);
  }

  #serverUrl(): string | null {
    return this.#settings.serverUrl ?? this.#options.defaultServerUrl ?? null;
  }

  // ---- OS events ----

  async handleArgv(argv: readonly string[]): Promise<boolean> {
    const bases = callbackBases(this.#providers.map((p) => p.redirect.customSchemeUri));
    const url = findCallbackUrl(argv, bases);
    if (url === null || !this.#auth) return false;
    try {
      await this.#auth.handleCallbackUrl(url);
    } catch (err) {
      // The sign-in service has already put the outcome in the state the agent sees.
      this.#logger.warn({ code: toUiError(err).code }, 'sign-in callback refused');
    }
    return true;
  }

  handleOpenUrl(url: string): Promise<boolean> {
    return this.handleArgv([url]);
  }

  // ---- the renderer's calls ----

  async dispatch<Op extends ApiOperation>(operation: Op, args: ApiArguments<Op>): Promise<ApiResult<unknown>> {
    const handler: Handlers[Op] = this.#handlers[operation];
    try {
      const value = await handler(...args);
      return { ok: true, value };
    } catch (err) {
      const error = toUiError(err);
      if (error.code === 'DESKTOP_INTERNAL_ERROR') this.#logger.error({ operation, error: (err as Error).message }, 'operation failed');
      return { ok: false, error };
    }
  }

  readonly #handlers: Handlers = {
    getState: async () => this.#state,
    signIn: async (providerId: string) => this.#signIn(providerId),
    cancelSignIn: async () => this.#auth?.cancel(),
    getSignInLink: async () => this.#auth?.pendingAuthorizationUrl() ?? null,
    signOut: async () => {
      await this.#closeChannel();
      await this.#auth?.signOut({});
      this.#emit();
    },
    endProviderSession: async () => {
      if (!this.#auth) throw new AgentDeskError('END_SESSION_UNAVAILABLE');
      await this.#auth.endProviderSession();
    },
    join: async (code: string) => this.#requireChannel().join(code),
    leave: async () => this.#channel?.leave(),
    retry: async () => {
      if (this.#channel) this.#channel.retry();
      else await this.#syncChannel();
      if (!this.#channel) throw new AgentDeskError(this.#serverUrl() ? 'COBROWSE_NOT_CONNECTED' : 'COBROWSE_NOT_CONFIGURED');
    },
    getSettings: async () => ({
      serverUrl: this.#serverUrl(),
      serverUrlSource: this.#settings.serverUrl ? 'agent' : this.#options.defaultServerUrl ? 'administrator' : null,
      agentTokenSet: this.#agentTokenSet,
      providers: this.#settings.providers,
      administratorProviders: this.#fileProviders.map((p) => ({ id: p.id, label: p.label, issuer: p.server.kind === 'discovery' ? p.server.issuer : null, clientId: p.clientId })),
    }),
    saveSettings: async (input: SettingsInput) => this.#saveSettings(input),
    saveAgentToken: async (token: string) => {
      await this.#agentTokens.save(token);
      this.#agentTokenSet = true;
      this.#emit();
      // A channel stopped by a refused token tries again with the new one.
      if (this.#channel?.state().connection.status === 'failed') this.#channel.retry();
    },
    clearAgentToken: async () => {
      await this.#agentTokens.clear();
      this.#agentTokenSet = false;
      this.#emit();
    },
    pointAt: async (nodeId: number) => this.#requireSession().pointAt(nodeId),
    moveCursor: async (at: readonly [number, number] | null) => this.#requireSession().moveCursor(at),
    annotate: async (points: readonly (readonly [number, number])[]) => this.#requireSession().annotate(points),
    refreshView: async () => this.#requireSession().requestSnapshot(),
    requestControl: async () => this.#requireSession().requestControl(),
    releaseControl: async () => this.#requireSession().releaseControl(),
    sendAction: async (action: AgentAction) => this.#requireSession().sendAction(action),
    popOutView: async () => {
      const { status } = this.#state.session;
      if (status !== 'joined' && status !== 'reconnecting') throw new AgentDeskError('COBROWSE_NOT_IN_SESSION');
      this.#setMirrorWindow('pop-out');
    },
    bringBackView: async () => this.#setMirrorWindow('main'),
  };

  #setMirrorWindow(where: MirrorWindow): void {
    if (this.#mirrorWindow === where) return;
    this.#mirrorWindow = where;
    this.#emit();
  }

  async #signIn(providerId: string): Promise<void> {
    const auth = this.#auth;
    if (!auth) throw new AgentDeskError('PROVIDER_UNKNOWN');
    const finished = auth.signIn(providerId);
    // The renderer hears back once the system browser is open; the outcome arrives as state.
    const opened = new Promise<void>((resolve) => {
      const stop = auth.onChange((state) => {
        if (state.status !== 'signed-out') {
          stop();
          resolve();
        }
      });
      setTimeout(() => {
        stop();
        resolve();
      }, SIGN_IN_START_TIMEOUT_MS).unref();
    });
    const outcome = finished.then(
      () => undefined,
      (err: unknown) => err,
    );
    const early = await Promise.race([opened.then(() => undefined), outcome]);
    if (early !== undefined) throw early;
    // Later failures (cancelled, timed out, denied) surface through the sign-in state.
    void outcome.then((err) => {
      if (err !== undefined) this.#logger.info({ code: toUiError(err).code }, 'sign-in ended without signing in');
    });
  }

  async #saveSettings(input: SettingsInput): Promise<void> {
    const fileIds = new Set(this.#fileProviders.map((p) => p.id));
    const clash = input.providers.find((p) => fileIds.has(p.id));
    if (clash) {
      throw new AgentDeskError('PROVIDER_SETTINGS_INVALID', `The provider ID "${clash.id}" is already used by your administrator's providers file. Choose another ID.`);
    }
    for (const provider of input.providers) toProviderConfig(provider);
    await writeSettings(settingsPath(this.#options.desktop.appDataDir), input);
    const before = this.#settings;
    this.#settings = input;
    this.#notices.delete('settings');
    if (JSON.stringify(before.providers) !== JSON.stringify(input.providers)) {
      await this.#replaceAuth();
    } else if (before.serverUrl !== input.serverUrl) {
      await this.#closeChannel();
      await this.#syncChannel();
    }
    this.#emit();
  }

  // ---- wiring ----

  /** (Re)creates the sign-in service for the current providers and restores a stored sign-in. */
  async #replaceAuth(): Promise<void> {
    await this.#closeChannel();
    this.#authUnsubscribe?.();
    await this.#auth?.dispose();
    const fromSettings: ProviderConfig[] = [];
    for (const provider of this.#settings.providers) {
      try {
        fromSettings.push(toProviderConfig(provider));
      } catch (err) {
        this.#noticeFrom('settings', err);
      }
    }
    this.#providers = [...this.#fileProviders, ...fromSettings];
    const auth = createAuthService({
      providers: this.#providers,
      desktop: this.#options.desktop,
      secretStore: this.#secrets,
      logger: this.#logger,
    });
    this.#auth = auth;
    this.#authUnsubscribe = auth.onChange(() => {
      this.#emit();
      void this.#syncChannel();
    });
    this.#emit();
    try {
      await auth.restore();
    } catch (err) {
      this.#noticeFrom('restore', err);
    }
    await this.#syncChannel();
  }

  /** The channel runs while the agent is signed in and a server is set; otherwise it is closed. */
  async #syncChannel(): Promise<void> {
    const signedIn = this.#auth?.currentAgent().status === 'signed-in';
    const serverUrl = this.#serverUrl();
    if (!signedIn || !serverUrl) {
      await this.#closeChannel();
      return;
    }
    if (this.#channel) return;
    const auth = this.#auth;
    const network = this.#options.desktop.network;
    const channel = createCobrowseChannel({
      serverUrl,
      getAgentToken: () => this.#agentTokens.read(),
      // Only a server that asks for identity from the agent's issuer gets the access token.
      getAccessToken: auth ? accessTokenForServer({ serverUrl, auth, ...(this.#options.desktop.network ? { fetch: this.#options.desktop.network.fetch } : {}) }) : async () => null,
      logger: this.#logger,
      ...(network ? { socketOptions: (url: string) => network.socketOptions(url) } : {}),
    });
    this.#channel = channel;
    this.#channelUnsubscribe = channel.onState(() => this.#emit());
    this.#framesUnsubscribe = channel.onPageFrame((bytes, receivedAt) => this.#forwardFrame(bytes, receivedAt));
    channel.connect();
    this.#emit();
  }

  async #closeChannel(): Promise<void> {
    const channel = this.#channel;
    if (!channel) return;
    this.#channel = null;
    this.#channelUnsubscribe?.();
    this.#channelUnsubscribe = null;
    this.#framesUnsubscribe?.();
    this.#framesUnsubscribe = null;
    await channel.close();
    this.#emit();
  }

  /** Live-session operations: without a channel there is no session to act in. */
  #requireSession(): CobrowseChannel {
    if (this.#channel) return this.#channel;
    throw new AgentDeskError('COBROWSE_NOT_IN_SESSION');
  }

  #requireChannel(): CobrowseChannel {
    if (this.#channel) return this.#channel;
    throw new AgentDeskError(this.#serverUrl() ? 'COBROWSE_NOT_CONNECTED' : 'COBROWSE_NOT_CONFIGURED');
  }
}

function toProviderConfig(provider: ProviderSettings): ProviderConfig {
  try {
    return providerFromSettings(provider);
  } catch (err) {
    if (err instanceof AgentDeskError) throw new AgentDeskError('PROVIDER_SETTINGS_INVALID', err.message, { cause: err });
    throw err;
  }
}

function signInStateOf(auth: AuthState | null): SignInState {
  if (!auth) return { status: 'signed-out' };
  switch (auth.status) {
    case 'signed-out':
      if (auth.reason) return { status: 'error', error: auth.reason };
      return auth.signOut
        ? { status: 'signed-out', signOut: { providerLabel: auth.signOut.providerLabel, endSession: auth.signOut.endSession, notices: auth.signOut.notices } }
        : { status: 'signed-out' };
    case 'waiting':
      return { status: 'waiting', providerId: auth.providerId, providerLabel: auth.providerLabel, deadline: auth.deadline };
    case 'signed-in':
      return { status: 'signed-in', agent: auth.agent };
    default:
      return assertNever(auth, 'sign-in state');
  }
}

function toUiError(err: unknown): UiError {
  if (err instanceof AgentDeskError) return err.toBody();
  return { code: 'DESKTOP_INTERNAL_ERROR', message: new AgentDeskError('DESKTOP_INTERNAL_ERROR').message };
}
