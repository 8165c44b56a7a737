// The one typed contract between the agent UI (renderer) and the desktop's main process:
// `window.agentdesk`. The Electron preload and the browser shell's client both implement
// `AgentDeskApi`; the main-process handlers parse every argument with `API_ARGUMENT_SCHEMAS`.
// No token of any kind appears in this file's types: the renderer learns only whether an agent
// token is set, and who is signed in. Just over 400 lines: it is the one contract of this
// boundary (state, operations, their schemas), kept whole so both shells read it in one place.
import { z } from 'zod';
import { isPrivateTransportUrl } from './transport-security.js';
import {
  AGENT_TOKEN_PATTERN,
  ANNOTATION_MAX_POINTS,
  agentActionSchema,
  SESSION_CODE_PATTERN,
  type AgentAction,
  type AgentAuth,
  type ControlState,
  type SessionEndReason,
} from './protocol.js';

/** An error as it crosses IPC: a stable code (docs/ERRORS.md) and the words a person reads. */
export interface UiError {
  readonly code: string;
  readonly message: string;
}

/** What every operation resolves to. Errors are values, so no transport can lose their code. */
export type ApiResult<T = void> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: UiError };

// ---- state the renderer renders ----

export interface ProviderSummary {
  readonly id: string;
  readonly label: string;
}

/** How the last sign-out went at the identity provider (shown on the sign-in screen). */
export interface SignOutSummary {
  readonly providerLabel: string;
  /** `offered`: the agent may still end the provider's browser session (endProviderSession). */
  readonly endSession: 'performed' | 'offered' | 'failed' | 'unsupported';
  /** What may still be valid at the provider, in plain words (SIGN_OUT_NOT_REVOKED ...). */
  readonly notices: readonly UiError[];
}

export type SignInState =
  | { readonly status: 'signed-out'; readonly signOut?: SignOutSummary }
  /** The system browser is open on the provider; `deadline` is epoch ms when the attempt expires. */
  | { readonly status: 'waiting'; readonly providerId: string; readonly providerLabel: string; readonly deadline: number }
  | { readonly status: 'signed-in'; readonly agent: { readonly name: string; readonly email: string } }
  | { readonly status: 'error'; readonly error: UiError };

export type ConnectionState =
  /** Not connecting: signed out, no server URL, or closed on purpose. */
  | { readonly status: 'idle' }
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'connected'; readonly agentAuth: AgentAuth }
  /** The link failed and another try is scheduled at `nextTryAt` (epoch ms). */
  | { readonly status: 'reconnecting'; readonly attempt: number; readonly nextTryAt: number; readonly lastError: UiError }
  /** Stopped. `retryable` says whether retrying without changing anything can help. */
  | { readonly status: 'failed'; readonly error: UiError; readonly retryable: boolean };

/** Why a session ended: the server's reasons, or the link to the server broke. */
export type SessionEnd = SessionEndReason | 'connection-lost';

/** Whether the customer's page is connected. While `away`, the session ends at `graceEndsAt`
 * (epoch ms) unless the page comes back. */
export type CustomerPresence = { readonly status: 'present' } | { readonly status: 'away'; readonly graceEndsAt: number };

/** The page the customer is on (URL without query or fragment), as their page reported it. */
export interface CustomerPage {
  readonly url: string;
  readonly title: string;
  /** Epoch ms when the agent heard of it. */
  readonly since: number;
}

/** What the lag probes measured (a probe every ~2 s while joined). */
export interface LinkTiming {
  /** Agent → server → customer page → back, of the latest probe. */
  readonly roundTripMs: number;
  /** The customer's clock minus the agent's, from the probe with the shortest round trip. */
  readonly clockOffsetMs: number;
  /** Epoch ms of the latest echo. */
  readonly measuredAt: number;
}

/** An action the customer's page did not apply, with the words for the agent. */
export interface ActionRefusalNotice {
  readonly actionId: number;
  readonly error: UiError;
  /** Epoch ms. */
  readonly at: number;
}

/** A joined session, as the agent sees it live. */
export interface LiveSession {
  readonly sessionId: string;
  readonly code: string;
  readonly customerOrigin: string | null;
  /** Where the mirror may load the page's resources from besides customerOrigin (the server's assetOrigins). */
  readonly assetOrigins: readonly string[];
  /** Epoch ms. */
  readonly joinedAt: number;
  /** Write mode as the customer last decided it; pointer mode is always on. */
  readonly control: ControlState;
  readonly customer: CustomerPresence;
  readonly page: CustomerPage | null;
  readonly timing: LinkTiming | null;
  readonly lastRefusal: ActionRefusalNotice | null;
}

export type SessionState =
  | { readonly status: 'none' }
  | { readonly status: 'joining'; readonly code: string }
  | ({ readonly status: 'joined' } & LiveSession)
  /** The link to the server dropped while joined: AgentDesk resumes the session once it is back,
   * unless `graceEndsAt` (epoch ms) passes first. */
  | ({ readonly status: 'reconnecting'; readonly graceEndsAt: number } & LiveSession)
  | { readonly status: 'join-failed'; readonly code: string; readonly error: UiError }
  | { readonly status: 'ended'; readonly sessionId: string; readonly reason: SessionEnd; readonly endedAt: number };

export interface SettingsSummary {
  readonly serverUrl: string | null;
  readonly agentTokenSet: boolean;
  readonly providers: readonly ProviderSummary[];
}

export interface AppState {
  /** Things the agent should know that are not failures of an action, e.g. the keychain is
   * unavailable so the sign-in will not be kept, or the providers file is invalid. */
  readonly notices: readonly UiError[];
  readonly signIn: SignInState;
  readonly connection: ConnectionState;
  readonly session: SessionState;
  readonly settings: SettingsSummary;
  /** Where the live mirror is shown: in the main window, or in its own pop-out window (e.g. on a
   * second screen). Always `main` while no session is live: a pop-out closes with the session. */
  readonly mirrorWindow: MirrorWindow;
}

export type MirrorWindow = 'main' | 'pop-out';

// ---- argument schemas (the main process parses every call with these) ----

/** A provider ID: short, lowercase, safe in a keychain account name and a log line. */
export const providerIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a provider ID is 1 to 63 lowercase letters, digits or hyphens');

/** A session code as the customer reads it out; spaces and hyphens between digit groups are removed. */
export const sessionCodeSchema = z
  .string()
  .max(32, 'a session code is 9 digits')
  .transform((value) => value.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(SESSION_CODE_PATTERN, 'a session code is 9 digits'));

export const agentTokenSchema = z.string().regex(AGENT_TOKEN_PATTERN, 'an agent token is exactly 26 digits');

// http(s), a host, an optional path; no user info, query or fragment (they would leak or be ignored).
const WEB_URL_SHAPE = /^https?:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/i;

function webUrl(what: string) {
  const message = `${what} must be an http:// or https:// URL with no user name, password, query or fragment`;
  return z
    .string()
    .trim()
    .max(2048, `${what} is too long`)
    .pipe(
      z
        .url({ protocol: /^https?$/, message })
        .regex(WEB_URL_SHAPE, message)
        .refine(isPrivateTransportUrl, { message: `${what} must start with https:// (http:// only for this computer: 127.0.0.1 or localhost)`, params: { insecure: true } }),
    );
}

/** The co-browse server's base URL, e.g. https://cobrowse.example.com or http://127.0.0.1:8700. */
export const serverUrlSchema = webUrl('the server URL');

export const redirectModeSchema = z.enum(['auto', 'custom-scheme', 'loopback']);
export type RedirectMode = z.infer<typeof redirectModeSchema>;

/** One sign-in provider as the Settings screen edits it. Client IDs are public; no secret here. */
export const providerSettingsSchema = z
  .object({
    id: providerIdSchema,
    label: z.string().trim().min(1, 'a provider needs a name').max(80, 'a provider name is at most 80 characters'),
    issuer: webUrl('the issuer'),
    clientId: z.string().trim().min(1, 'a provider needs a client ID').max(256, 'the client ID is too long'),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope is one word of visible characters'))
      .min(1, 'a provider needs at least the openid scope')
      .max(20, 'at most 20 scopes'),
    redirect: redirectModeSchema,
  })
  .strict();
export type ProviderSettings = z.infer<typeof providerSettingsSchema>;

export const settingsInputSchema = z
  .object({
    serverUrl: serverUrlSchema.nullable(),
    providers: z
      .array(providerSettingsSchema)
      .max(20, 'at most 20 providers')
      .refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'provider IDs must be unique'),
  })
  .strict();
export type SettingsInput = z.infer<typeof settingsInputSchema>;

/** A sign-in provider the administrator's providers file sets: shown in Settings, never edited there. */
export interface AdministratorProvider {
  readonly id: string;
  readonly label: string;
  /** The issuer of a discovery provider; null for one with explicit endpoints. */
  readonly issuer: string | null;
  readonly clientId: string;
}

/** What the Settings screen loads: everything it edits, what the administrator set, and whether an agent token is set. */
export interface Settings {
  /** The server URL in use: the agent's own, else the administrator's (command line / managed config). */
  readonly serverUrl: string | null;
  /** Where `serverUrl` comes from; null when none is set. */
  readonly serverUrlSource: 'agent' | 'administrator' | null;
  readonly agentTokenSet: boolean;
  /** The agent's own providers (editable). */
  readonly providers: readonly ProviderSettings[];
  /** The administrator's providers file (read-only here), used before the agent's own. */
  readonly administratorProviders: readonly AdministratorProvider[];
}

export type StateListener = (state: AppState) => void;

/**
 * One page-stream frame of the joined session, as the renderer receives it. The main process does
 * not parse the payload: `json` is the UTF-8 text of the frame after its kind byte, an array of
 * rrweb events (a snapshot's starts with the Meta and FullSnapshot events).
 */
export interface PageFrame {
  readonly kind: 'snapshot' | 'incremental';
  readonly json: string;
  /** Epoch ms (the agent's clock) when the main process received the frame. The customer's clock
   * offset, to turn this into a lag, reaches the renderer by one road: `LiveSession.timing`. */
  readonly receivedAt: number;
}

export type PageFrameListener = (frame: PageFrame) => void;

/** `window.agentdesk`: one named function per operation, nothing generic. */
export interface AgentDeskApi {
  getState(): Promise<ApiResult<AppState>>;
  /** Called with every new state; returns the unsubscribe function. */
  onStateChange(listener: StateListener): () => void;
  signIn(providerId: string): Promise<ApiResult>;
  cancelSignIn(): Promise<ApiResult>;
  /** The authorization URL of the pending sign-in (to paste into another browser), or null. */
  getSignInLink(): Promise<ApiResult<string | null>>;
  signOut(): Promise<ApiResult>;
  /** After a sign-out that offered it: opens the provider's sign-out page in the system browser. */
  endProviderSession(): Promise<ApiResult>;
  join(code: string): Promise<ApiResult>;
  leave(): Promise<ApiResult>;
  /** Reconnects the co-browse channel now (after `failed`, or to skip a reconnect wait). */
  retry(): Promise<ApiResult>;
  getSettings(): Promise<ApiResult<Settings>>;
  saveSettings(settings: SettingsInput): Promise<ApiResult>;
  /** Stores the agent token in the keychain. It is never read back; the state says whether one is set. */
  saveAgentToken(token: string): Promise<ApiResult>;
  clearAgentToken(): Promise<ApiResult>;
  /** Called with every page-stream frame of the joined session; returns the unsubscribe function. */
  onPageFrame(listener: PageFrameListener): () => void;
  /** Pointer mode: shows the customer the element (rrweb mirror node id) the agent points at. */
  pointAt(nodeId: number): Promise<ApiResult>;
  /** The agent's live cursor over the mirror, as a point of the customer's page (document px), or
   * null when it left the mirror; sent a few times a second at most. */
  moveCursor(at: PagePoint | null): Promise<ApiResult>;
  /** A pen stroke drawn on the mirror (document px of the customer's page): shown to the customer, fading. */
  annotate(points: readonly PagePoint[]): Promise<ApiResult>;
  /** Asks the customer's page for a fresh full snapshot ("Refresh view"). */
  refreshView(): Promise<ApiResult>;
  /** Asks the customer for write mode; the answer arrives as `session.control`. */
  requestControl(): Promise<ApiResult>;
  /** Gives write mode back. */
  releaseControl(): Promise<ApiResult>;
  /** Sends a click or a field's whole new value while write mode is granted; resolves to the
   * action's id, which a refusal (`session.lastRefusal`) names. */
  sendAction(action: AgentAction): Promise<ApiResult<number>>;
  /** Moves the live mirror into its own window (`mirrorWindow: 'pop-out'`); the session goes on. */
  popOutView(): Promise<ApiResult>;
  /** Returns the mirror to the main window (the pop-out window closes). */
  bringBackView(): Promise<ApiResult>;
}

/** Every operation with a request/response shape (all but the events `onStateChange` and `onPageFrame`). */
export type ApiOperation = Exclude<keyof AgentDeskApi, 'onStateChange' | 'onPageFrame'>;

/** An rrweb mirror node id of the customer's page, as `common/protocol.ts` carries it. */
export const nodeIdSchema = z.number().int('a node ID is a whole number').nonnegative('a node ID is not negative').max(2 ** 31, 'a node ID is at most 2^31');

const none = z.tuple([]);

/** A point of the customer's page in document CSS px. */
export type PagePoint = readonly [number, number];
const coordinate = z.number().min(-1e6, 'a coordinate is at least -1e6').max(1e6, 'a coordinate is at most 1e6');
export const pagePointSchema = z.tuple([coordinate, coordinate]);

/** The arguments of each operation, as a tuple schema. IPC handlers parse with these. */
export const API_ARGUMENT_SCHEMAS = {
  getState: none,
  signIn: z.tuple([providerIdSchema]),
  cancelSignIn: none,
  getSignInLink: none,
  signOut: none,
  endProviderSession: none,
  join: z.tuple([sessionCodeSchema]),
  leave: none,
  retry: none,
  getSettings: none,
  saveSettings: z.tuple([settingsInputSchema]),
  saveAgentToken: z.tuple([agentTokenSchema]),
  clearAgentToken: none,
  pointAt: z.tuple([nodeIdSchema]),
  moveCursor: z.tuple([pagePointSchema.nullable()]),
  annotate: z.tuple([z.array(pagePointSchema).min(2, 'a stroke has at least 2 points').max(ANNOTATION_MAX_POINTS, `a stroke has at most ${ANNOTATION_MAX_POINTS} points`)]),
  refreshView: none,
  requestControl: none,
  releaseControl: none,
  sendAction: z.tuple([agentActionSchema]),
  popOutView: none,
  bringBackView: none,
} as const satisfies Record<ApiOperation, z.ZodType>;

export const API_OPERATIONS = Object.keys(API_ARGUMENT_SCHEMAS) as readonly ApiOperation[];

export type ApiArguments<Op extends ApiOperation> = z.output<(typeof API_ARGUMENT_SCHEMAS)[Op]>;

/** What a successful call of an operation resolves to, read off AgentDeskApi. */
export type ApiValue<Op extends ApiOperation> = AgentDeskApi[Op] extends (...args: never[]) => Promise<ApiResult<infer V>> ? V : never;

/** The pop-out window's route: the renderer bundle's page with this query string shows only the
 * live mirror and its bar (`index.html?view=pop-out` in Electron, `/?view=pop-out` in the browser shell). */
export const POP_OUT_SEARCH = '?view=pop-out';

/**
 * What the pop-out window (the mirror in its own window) may call: the mirror and its bar, nothing
 * of sign-in, settings or joining. The Electron shell refuses any other operation from it.
 */
export const POP_OUT_OPERATIONS: ReadonlySet<ApiOperation> = new Set<ApiOperation>([
  'getState',
  'retry',
  'pointAt',
  'moveCursor',
  'annotate',
  'refreshView',
  'requestControl',
  'releaseControl',
  'sendAction',
  'bringBackView',
]);

/** The IPC channel of an operation; the preload and the handlers agree through this. */
export function apiChannel(operation: ApiOperation): `agentdesk:${ApiOperation}` {
  return `agentdesk:${operation}`;
}

/** The channel main uses to push `AppState` to the renderer. */
export const STATE_CHANNEL = 'agentdesk:state';

/** The channel main uses to push `PageFrame`s to the renderer. */
export const PAGE_FRAME_CHANNEL = 'agentdesk:page-frame';

export function isApiOperation(value: unknown): value is ApiOperation {
  return typeof value === 'string' && Object.hasOwn(API_ARGUMENT_SCHEMAS, value);
}

/**
 * Parses the raw arguments of one call. On failure the error names the operation and the argument
 * and says what is wrong, e.g. `join: argument 1: a session code is 9 digits`; the values
 * themselves are never echoed (an agent token could be one of them).
 */
export function parseApiArguments<Op extends ApiOperation>(
  operation: Op,
  args: unknown,
): { readonly ok: true; readonly args: ApiArguments<Op> } | { readonly ok: false; readonly error: UiError } {
  const schema: z.ZodType = API_ARGUMENT_SCHEMAS[operation];
  if (!Array.isArray(args)) return { ok: false, error: { code: 'API_ARGUMENT_INVALID', message: `${operation}: ${arity(operation)}` } };
  const parsed = schema.safeParse(args);
  if (parsed.success) return { ok: true, args: parsed.data as ApiArguments<Op> };
  const issue = parsed.error.issues[0];
  const where = issue ? describePath(issue.path) : '';
  const what = issue?.code === 'too_big' || issue?.code === 'too_small' ? describeSize(issue, operation) : (issue?.message ?? 'invalid');
  return { ok: false, error: { code: 'API_ARGUMENT_INVALID', message: `${operation}: ${where}${what}` } };
}

function describePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  const [index, ...rest] = path;
  const head = typeof index === 'number' ? `argument ${index + 1}` : String(index);
  return rest.length === 0 ? `${head}: ` : `${head} ${rest.map(String).join('.')}: `;
}

function describeSize(issue: z.core.$ZodIssue, operation: ApiOperation): string {
  // A size issue at the root is a tuple of the wrong length: say how many arguments it takes.
  return issue.path.length === 0 ? arity(operation) : issue.message;
}

function arity(operation: ApiOperation): string {
  const expected = API_ARGUMENT_SCHEMAS[operation].def.items.length;
  return `takes ${expected} argument${expected === 1 ? '' : 's'}`;
}
