// The customer link of the wire protocol (/cobrowse/customer) and the fields both links share,
// written once with zod/mini: the server parses the customer's messages with these schemas and
// the customer snippet parses the server's with them. zod/mini is functions rather than methods,
// so the snippet's bundle carries only the checks it uses (a few KiB; classic zod is hundreds).
// common/protocol.ts builds the agent link from the same fields and re-exports this module.
import * as z from 'zod/mini';

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
export const CONTROL_STATES = ['none', 'requested', 'granted', 'declined', 'revoked'] as const;
export type ControlState = (typeof CONTROL_STATES)[number];

/** Why the customer's page did not apply an action. */
export const ACTION_REFUSALS = ['TARGET_LOCKED', 'TARGET_MASKED', 'TARGET_GONE', 'CONTROL_NOT_GRANTED'] as const;
export type ActionRefusal = (typeof ACTION_REFUSALS)[number];

/** A pen stroke: at most 400 points (a few seconds of drawing at the renderer's sampling). */
export const ANNOTATION_MAX_POINTS = 400;

// ---- fields of both links ----
/** rrweb node ids of the customer's mirrored DOM: the agent addresses elements by these only. */
export const nodeId = z.int().check(z.minimum(0), z.maximum(2 ** 31));
export const probeId = z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
export const actionId = z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
const coordinate = z.number().check(z.minimum(-1e6), z.maximum(1e6));
/** A point of the customer's page in document CSS px (scroll included), so it means the same on
 * the agent's mirror, which may be scrolled elsewhere. */
export const pagePoint = z.tuple([coordinate, coordinate]);
export const strokePoints = z.array(pagePoint).check(z.minLength(2), z.maxLength(ANNOTATION_MAX_POINTS));
export const endReason = z.enum(SESSION_END_REASONS);
export const controlState = z.enum(CONTROL_STATES);
export const actionRefusal = z.enum(ACTION_REFUSALS);
const scrollOffset = z.number().check(z.minimum(0), z.maximum(1e6));

/** What an agent asks the customer's page to do while write mode is granted. */
export const agentActionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('click'), nodeId }),
  /** The whole new value of a text field, select or textarea (typing is sent as values, not keys). */
  z.strictObject({ kind: z.literal('input'), nodeId, value: z.string().check(z.maxLength(10_000)) }),
  /** Scroll the document (or element) `nodeId` to (x, y) CSS px: the agent's wheel over the customer's viewport. */
  z.strictObject({ kind: z.literal('scroll'), nodeId, x: scrollOffset, y: scrollOffset }),
]);
export type AgentAction = z.infer<typeof agentActionSchema>;

// ---- customer → server (text frames; page-stream frames are binary) ----
export const customerToServerSchema = z.discriminatedUnion('type', [
  /** First message on /cobrowse/customer: the secret never goes in the URL. */
  z.strictObject({ type: z.literal('hello'), sessionId: z.string().check(z.minLength(1), z.maxLength(64)), secret: z.string().check(z.minLength(1), z.maxLength(128)) }),
  z.strictObject({ type: z.literal('end') }),
  /** Sent after `ready` on every page load (query and fragment stripped by the snippet). */
  z.strictObject({ type: z.literal('page'), url: z.string().check(z.maxLength(2048)), title: z.string().check(z.maxLength(300)) }),
  /** The customer's answer to a write-mode request, or taking it back. */
  z.strictObject({ type: z.literal('control'), state: z.enum(['granted', 'declined', 'revoked']) }),
  z.strictObject({ type: z.literal('action-refused'), id: actionId, code: actionRefusal }),
  z.strictObject({ type: z.literal('probe-echo'), id: probeId, at: z.number() }),
]);
export type CustomerToServer = z.infer<typeof customerToServerSchema>;

// ---- server → customer (text frames) ----
export const serverToCustomerSchema = z.discriminatedUnion('type', [
  /** `resumed` when this hello rejoined a session whose page had dropped within the grace. */
  z.object({ type: z.literal('ready'), sessionId: z.string(), resumed: z.optional(z.boolean()), control: z.optional(controlState) }),
  /**
   * An agent joined or came back: send a fresh full snapshot now. Only the agent's display name
   * reaches the customer's page (and so every script on it): never sub or e-mail.
   */
  z.object({ type: z.literal('agent-joined'), displayName: z.string().check(z.minLength(1), z.maxLength(80)) }),
  z.object({ type: z.literal('agent-left') }),
  /** The agent's link dropped; the session waits `graceSeconds` for it to resume. */
  z.object({ type: z.literal('agent-away'), graceSeconds: z.int().check(z.positive()) }),
  z.object({ type: z.literal('session-ended'), sessionId: z.string(), reason: endReason }),
  z.object({ type: z.literal('pointer'), nodeId }),
  z.object({ type: z.literal('cursor'), at: z.nullable(pagePoint) }),
  z.object({ type: z.literal('annotation'), points: strokePoints }),
  /** Send a fresh full snapshot now (the agent asked to refresh its view). */
  z.object({ type: z.literal('snapshot-request') }),
  /** The agent asks for write mode (`requested`) or gives it back (`none`). */
  z.object({ type: z.literal('control'), state: controlState }),
  /** Only relayed while write mode is granted. */
  z.object({ type: z.literal('action'), id: actionId, action: agentActionSchema }),
  z.object({ type: z.literal('probe'), id: probeId }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerToCustomer = z.infer<typeof serverToCustomerSchema>;
