// The desktop's main-process core, as both shells see it. The Electron shell (src/electron) and the
// browser shell (src/host) create one DesktopApp each, hand it OS events (launch argv, open-url),
// and route renderer calls to `dispatch` once they have parsed the arguments at their edge
// (parseApiArguments of common/api.ts, once per path); it answers with an ApiResult. Tokens stay inside: nothing here returns one.
import type { Logger } from 'pino';
import type { ApiArguments, ApiOperation, ApiResult, AppState, PageFrameListener } from '../../common/api.js';
import type { Desktop } from '../desktop-port.js';
import type { SecretStore } from '../vault/secret-store.js';

/** The logger the core and its services write to (pino). Never given a token. */
export type AppLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface DesktopAppOptions {
  readonly desktop: Desktop;
  /** The OS keychain (keytar); the core falls back to memory for the run if it is unavailable. */
  readonly secretStore: SecretStore;
  readonly logger: AppLogger;
  /** An administrator's providers file (docs/examples/providers.json); optional. */
  readonly providersFile?: string | undefined;
  /** Used when the settings file does not name a server yet (e.g. the demo stack's own server). */
  readonly defaultServerUrl?: string | undefined;
}

export interface DesktopApp {
  /** Restores the stored sign-in and connects the co-browse channel when it can. */
  start(): Promise<void>;
  /** Answers one renderer call whose arguments the shell has parsed: runs it, never throws. */
  dispatch<Op extends ApiOperation>(operation: Op, args: ApiArguments<Op>): Promise<ApiResult<unknown>>;
  state(): AppState;
  /** Called with every new state; returns the unsubscribe function. */
  onState(listener: (state: AppState) => void): () => void;
  /**
   * Called with every page-stream frame of the joined session (decoded to text, not parsed), in
   * the order received; returns the unsubscribe function. Shells forward these to the renderer.
   */
  onPageFrame(listener: PageFrameListener): () => void;
  /**
   * Launch arguments from the OS (cold start, or a second instance's argv). Only an argument that
   * is exactly a callback URL of this app (scheme and path) is used; everything else is ignored.
   * Resolves true when one was handed to the sign-in service.
   */
  handleArgv(argv: readonly string[]): Promise<boolean>;
  /** A URL the OS delivered (macOS open-url). Same rule as handleArgv. */
  handleOpenUrl(url: string): Promise<boolean>;
  /** Stops timers and sockets (app quit). Keeps the stored sign-in. */
  dispose(): Promise<void>;
}
