// The co-browse wire protocol: every message on /cobrowse/agent and /cobrowse/customer.
// Control messages are JSON text frames, parsed at the edge with zod/mini schemas: the agent link
// here, the customer link and the fields both links share in customer-protocol.ts (which the
// customer snippet bundles). Import either from this module.
// Page-stream frames are BINARY frames, relayed by the server as opaque bytes: byte 0 is the
// frame kind (PageFrameKind), the rest is the payload the server never parses.
import * as z from 'zod/mini';
import { actionId, actionRefusal, agentActionSchema, controlState, endReason, nodeId, pagePoint, probeId, strokePoints } from './customer-protocol.js';

export const SESSION_CODE_PATTERN = /^\d{9}$/;
export const AGENT_TOKEN_PATTERN = /^\d{26}$/;

/** Header that carries the shared 26-digit agent token on the agent handshake (never the URL). */
export const AGENT_TOKEN_HEADER = 'x-cobrowse-agent-token';

export { PAGE_FRAME_DEFLATED, PageFrameKind, RESUME_GRACE_SECONDS, pageFrameKindName, pageFrameKindOf, type PageFrameKindName } from './protocol-constants.js';

export {
  ACTION_REFUSALS,
  ANNOTATION_MAX_POINTS,
  CONTROL_STATES,
  SESSION_END_REASONS,
  agentActionSchema,
  customerToServerSchema,
  serverToCustomerSchema,
  type ActionRefusal,
  type AgentAction,
  type ControlState,
  type CustomerToServer,
  type ServerToCustomer,
  type SessionEndReason,
} from './customer-protocol.js';

/** How the server admitted an agent: without agent authentication, or by the shared token. */
export type AgentAuth = 'none' | 'token';

export interface AgentIdentity {
  readonly sub: string;
  readonly email?: string;
  /** The token's `name`, else `given_name`: what the customer's page may show. */
  readonly name?: string;
}

const sessionCode = z.string().check(z.regex(SESSION_CODE_PATTERN, 'a session code is 9 digits'));
const identity = z.nullable(z.object({ sub: z.string(), email: z.optional(z.string()), name: z.optional(z.string()) }));
/** One-use credential to rejoin a session after a dropped link (never the session code). */
const resumeToken = z.string().check(z.minLength(16), z.maxLength(128));

// ---- agent → server (text frames) ----
export const agentToServerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('join'), code: sessionCode }),
  /** After a dropped link, on a freshly authenticated socket: rejoin the same session. */
  z.strictObject({ type: z.literal('resume'), resumeToken }),
  z.strictObject({ type: z.literal('leave') }),
  /** Pointer mode: show the customer where the agent points (a short highlight at the element). */
  z.strictObject({ type: z.literal('pointer'), nodeId }),
  /** The agent's live cursor over the mirror (a few a second), or null when it left the mirror. */
  z.strictObject({ type: z.literal('cursor'), at: z.nullable(pagePoint) }),
  /** A pen stroke drawn on the mirror: shown over the customer's page, fading; audited as an annotation. */
  z.strictObject({ type: z.literal('annotation'), points: strokePoints }),
  /** Asks the customer's page for a fresh full snapshot (the agent's "Refresh view"). */
  z.strictObject({ type: z.literal('snapshot-request') }),
  /** Ask the customer for write mode. */
  z.strictObject({ type: z.literal('control-request') }),
  /** Give write mode back. */
  z.strictObject({ type: z.literal('control-release') }),
  /** Applied on the customer's page only while write mode is granted; dropped and audited otherwise. */
  z.strictObject({ type: z.literal('action'), id: actionId, action: agentActionSchema }),
  /** Lag probe, echoed by the customer's page as `probe-echo` (same `id`, its own clock `at`). */
  z.strictObject({ type: z.literal('probe'), id: probeId }),
  /** A refreshed access token for this open connection, before the one it was admitted with expires. */
  z.strictObject({ type: z.literal('identity'), accessToken: z.string().check(z.minLength(10), z.maxLength(8192)) }),
]);
export type AgentToServer = z.infer<typeof agentToServerSchema>;

// ---- server → agent (text frames) ----
export const serverToAgentSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    agentAuth: z.enum(['none', 'token']),
    identity,
    heartbeatMs: z.int().check(z.positive()),
  }),
  z.object({
    type: z.literal('joined'),
    sessionId: z.string(),
    customerOrigin: z.nullable(z.string()),
    /** Origins besides customerOrigin the mirror may load the page's resources from (the server's config). */
    assetOrigins: z.optional(z.array(z.string().check(z.maxLength(300))).check(z.maxLength(100))),
    /** Present a resumeToken in `resume` to rejoin after a dropped link; a new one comes with every joined. */
    resumeToken: z.optional(z.string()),
    /** True when this joined answers a `resume`. */
    resumed: z.optional(z.boolean()),
    control: z.optional(controlState),
  }),
  z.object({ type: z.literal('session-ended'), sessionId: z.string(), reason: endReason }),
  /** The token of an `identity` message was verified: the connection now lasts until `expiresAt` (epoch ms). */
  z.object({ type: z.literal('identity-renewed'), expiresAt: z.number() }),
  /** The customer's page dropped; the session waits `graceSeconds` for it to come back. */
  z.object({ type: z.literal('customer-away'), graceSeconds: z.int().check(z.positive()) }),
  z.object({ type: z.literal('customer-back') }),
  /** The customer's page (re)loaded: the page URL without query or fragment, and its title. */
  z.object({ type: z.literal('page'), url: z.string(), title: z.string() }),
  z.object({ type: z.literal('control'), state: controlState }),
  z.object({ type: z.literal('action-refused'), id: actionId, code: actionRefusal }),
  z.object({ type: z.literal('probe-echo'), id: probeId, at: z.number() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerToAgent = z.infer<typeof serverToAgentSchema>;

/** POST /cobrowse/rest/sessions response body. */
export interface CreatedSession {
  readonly sessionId: string;
  readonly code: string;
  readonly customerSecret: string;
  readonly expiresAt: string;
}
