// The co-browse wire protocol: every message on /cobrowse/agent and /cobrowse/customer.
// Control messages are JSON text frames, parsed at the edge with the schemas below.
// Page-stream frames are BINARY frames, relayed by the server as opaque bytes: byte 0 is the
// frame kind (PageFrameKind), the rest is the payload the server never parses.
import { z } from 'zod';

export const SESSION_CODE_PATTERN = /^\d{9}$/;
export const AGENT_TOKEN_PATTERN = /^\d{26}$/;

/** Header that carries the shared 26-digit agent token on the agent handshake (never the URL). */
export const AGENT_TOKEN_HEADER = 'x-cobrowse-agent-token';

export { PAGE_FRAME_DEFLATED, PageFrameKind, RESUME_GRACE_SECONDS, pageFrameKindName, pageFrameKindOf, type PageFrameKindName } from './protocol-constants.js';

/** How the server admitted an agent: without agent authentication, or by the shared token. */
export type AgentAuth = 'none' | 'token';

export interface AgentIdentity {
  readonly sub: string;
  readonly email?: string;
  /** The token's `name`, else `given_name`: what the customer's page may show. */
  readonly name?: string;
}

export const SESSION_END_REASONS = [
  'agent-left',
  'customer-left',
  /** The agent's link dropped and no resume came within the grace. */
  'agent-unreachable',
  /** The customer's page dropped (closed, or lost the network) and did not come back within the grace. */
  'customer-unreachable',
  'expired',
  'token-rotated',
  'server-shutdown',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];


/** Remote-control state of a session, as both sides see it. Pointer mode is always on. */
export type ControlState = 'none' | 'requested' | 'granted' | 'declined' | 'revoked';

/** rrweb node ids of the customer's mirrored DOM: the agent addresses elements by these only. */
const nodeId = z.number().int().nonnegative().max(2 ** 31);
const probeId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** A point of the customer's page in document CSS px (scroll included), so it means the same on
 * the agent's mirror, which may be scrolled elsewhere. */
const pagePoint = z.tuple([z.number().min(-1e6).max(1e6), z.number().min(-1e6).max(1e6)]);
/** A pen stroke: at most 400 points (a few seconds of drawing at the renderer's sampling). */
export const ANNOTATION_MAX_POINTS = 400;
const strokePoints = z.array(pagePoint).min(2).max(ANNOTATION_MAX_POINTS);

const scrollOffset = z.number().min(0).max(1e6);

/** What an agent asks the customer's page to do while write mode is granted. */
export const agentActionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('click'), nodeId }).strict(),
  /** The whole new value of a text field, select or textarea (typing is sent as values, not keys). */
  z.object({ kind: z.literal('input'), nodeId, value: z.string().max(10_000) }).strict(),
  /** Scroll the document (or element) `nodeId` to (x, y) CSS px: the agent's wheel over the customer's viewport. */
  z.object({ kind: z.literal('scroll'), nodeId, x: scrollOffset, y: scrollOffset }).strict(),
]);
export type AgentAction = z.infer<typeof agentActionSchema>;

/** Why the customer's page did not apply an action. */
export const ACTION_REFUSALS = ['TARGET_LOCKED', 'TARGET_MASKED', 'TARGET_GONE', 'CONTROL_NOT_GRANTED'] as const;
export type ActionRefusal = (typeof ACTION_REFUSALS)[number];

const sessionCode = z.string().regex(SESSION_CODE_PATTERN, 'a session code is 9 digits');
const endReason = z.enum(SESSION_END_REASONS);
const identity = z.object({ sub: z.string(), email: z.string().optional(), name: z.string().optional() }).nullable();
/** One-use credential to rejoin a session after a dropped link (never the session code). */
const resumeToken = z.string().min(16).max(128);
const actionId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

// ---- agent → server (text frames) ----
export const agentToServerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('join'), code: sessionCode }).strict(),
  /** After a dropped link, on a freshly authenticated socket: rejoin the same session. */
  z.object({ type: z.literal('resume'), resumeToken }).strict(),
  z.object({ type: z.literal('leave') }).strict(),
  /** Pointer mode: show the customer where the agent points (a short highlight at the element). */
  z.object({ type: z.literal('pointer'), nodeId }).strict(),
  /** The agent's live cursor over the mirror (a few a second), or null when it left the mirror. */
  z.object({ type: z.literal('cursor'), at: pagePoint.nullable() }).strict(),
  /** A pen stroke drawn on the mirror: shown over the customer's page, fading; audited as an annotation. */
  z.object({ type: z.literal('annotation'), points: strokePoints }).strict(),
  /** Asks the customer's page for a fresh full snapshot (the agent's "Refresh view"). */
  z.object({ type: z.literal('snapshot-request') }).strict(),
  /** Ask the customer for write mode. */
  z.object({ type: z.literal('control-request') }).strict(),
  /** Give write mode back. */
  z.object({ type: z.literal('control-release') }).strict(),
  /** Applied on the customer's page only while write mode is granted; dropped and audited otherwise. */
  z.object({ type: z.literal('action'), id: actionId, action: agentActionSchema }).strict(),
  /** Lag probe, echoed by the customer's page as `probe-echo` (same `id`, its own clock `at`). */
  z.object({ type: z.literal('probe'), id: probeId }).strict(),
  /** A refreshed access token for this open connection, before the one it was admitted with expires. */
  z.object({ type: z.literal('identity'), accessToken: z.string().min(10).max(8192) }).strict(),
]);
export type AgentToServer = z.infer<typeof agentToServerSchema>;

// ---- server → agent (text frames) ----
export const serverToAgentSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    agentAuth: z.enum(['none', 'token']),
    identity,
    heartbeatMs: z.number().int().positive(),
  }),
  z.object({
    type: z.literal('joined'),
    sessionId: z.string(),
    customerOrigin: z.string().nullable(),
    /** Origins besides customerOrigin the mirror may load the page's resources from (the server's config). */
    assetOrigins: z.array(z.string().max(300)).max(100).optional(),
    /** Present a resumeToken in `resume` to rejoin after a dropped link; a new one comes with every joined. */
    resumeToken: z.string().optional(),
    /** True when this joined answers a `resume`. */
    resumed: z.boolean().optional(),
    control: z.enum(['none', 'requested', 'granted', 'declined', 'revoked']).optional(),
  }),
  z.object({ type: z.literal('session-ended'), sessionId: z.string(), reason: endReason }),
  /** The token of an `identity` message was verified: the connection now lasts until `expiresAt` (epoch ms). */
  z.object({ type: z.literal('identity-renewed'), expiresAt: z.number() }),
  /** The customer's page dropped; the session waits `graceSeconds` for it to come back. */
  z.object({ type: z.literal('customer-away'), graceSeconds: z.number().int().positive() }),
  z.object({ type: z.literal('customer-back') }),
  /** The customer's page (re)loaded: the page URL without query or fragment, and its title. */
  z.object({ type: z.literal('page'), url: z.string(), title: z.string() }),
  z.object({ type: z.literal('control'), state: z.enum(['none', 'requested', 'granted', 'declined', 'revoked']) }),
  z.object({ type: z.literal('action-refused'), id: actionId, code: z.enum(ACTION_REFUSALS) }),
  z.object({ type: z.literal('probe-echo'), id: probeId, at: z.number() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerToAgent = z.infer<typeof serverToAgentSchema>;

// ---- customer → server (text frames; page-stream frames are binary) ----
export const customerToServerSchema = z.discriminatedUnion('type', [
  /** First message on /cobrowse/customer: the secret never goes in the URL. */
  z.object({ type: z.literal('hello'), sessionId: z.string().min(1).max(64), secret: z.string().min(1).max(128) }).strict(),
  z.object({ type: z.literal('end') }).strict(),
  /** Sent after `ready` on every page load (query and fragment stripped by the snippet). */
  z.object({ type: z.literal('page'), url: z.string().max(2048), title: z.string().max(300) }).strict(),
  /** The customer's answer to a write-mode request, or taking it back. */
  z.object({ type: z.literal('control'), state: z.enum(['granted', 'declined', 'revoked']) }).strict(),
  z.object({ type: z.literal('action-refused'), id: actionId, code: z.enum(ACTION_REFUSALS) }).strict(),
  z.object({ type: z.literal('probe-echo'), id: probeId, at: z.number() }).strict(),
]);
export type CustomerToServer = z.infer<typeof customerToServerSchema>;

// ---- server → customer (text frames) ----
export const serverToCustomerSchema = z.discriminatedUnion('type', [
  /** `resumed` when this hello rejoined a session whose page had dropped within the grace. */
  z.object({ type: z.literal('ready'), sessionId: z.string(), resumed: z.boolean().optional(), control: z.enum(['none', 'requested', 'granted', 'declined', 'revoked']).optional() }),
  /**
   * An agent joined or came back: send a fresh full snapshot now. Only the agent's display name
   * reaches the customer's page (and so every script on it): never sub or e-mail.
   */
  z.object({ type: z.literal('agent-joined'), displayName: z.string().min(1).max(80) }),
  z.object({ type: z.literal('agent-left') }),
  /** The agent's link dropped; the session waits `graceSeconds` for it to resume. */
  z.object({ type: z.literal('agent-away'), graceSeconds: z.number().int().positive() }),
  z.object({ type: z.literal('session-ended'), sessionId: z.string(), reason: endReason }),
  z.object({ type: z.literal('pointer'), nodeId }),
  z.object({ type: z.literal('cursor'), at: pagePoint.nullable() }),
  z.object({ type: z.literal('annotation'), points: strokePoints }),
  /** Send a fresh full snapshot now (the agent asked to refresh its view). */
  z.object({ type: z.literal('snapshot-request') }),
  /** The agent asks for write mode (`requested`) or gives it back (`none`). */
  z.object({ type: z.literal('control'), state: z.enum(['none', 'requested', 'granted', 'declined', 'revoked']) }),
  /** Only relayed while write mode is granted. */
  z.object({ type: z.literal('action'), id: actionId, action: agentActionSchema }),
  z.object({ type: z.literal('probe'), id: probeId }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerToCustomer = z.infer<typeof serverToCustomerSchema>;

/** POST /cobrowse/rest/sessions response body. */
export interface CreatedSession {
  readonly sessionId: string;
  readonly code: string;
  readonly customerSecret: string;
  readonly expiresAt: string;
}
