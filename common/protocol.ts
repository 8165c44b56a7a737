// The co-browse wire protocol: every message on /cobrowse/agent and /cobrowse/customer.
// Control messages are JSON text frames, parsed at the edge with the schemas below.
// Page-stream frames are BINARY frames, relayed by the server as opaque bytes: byte 0 is the
// frame kind (PageFrameKind), the rest is the payload the server never parses.
import { z } from 'zod';

export const SESSION_CODE_PATTERN = /^\d{9}$/;
export const AGENT_TOKEN_PATTERN = /^\d{26}$/;

/** Header that carries the shared 26-digit agent token on the agent handshake (never the URL). */
export const AGENT_TOKEN_HEADER = 'x-cobrowse-agent-token';

export const PageFrameKind = {
  /** A full DOM snapshot (large, rare). */
  Snapshot: 1,
  /** A batch of incremental events (small, frequent). */
  Incremental: 2,
} as const;
export type PageFrameKind = (typeof PageFrameKind)[keyof typeof PageFrameKind];

/** How the server admitted an agent: without agent authentication, or by the shared token. */
export type AgentAuth = 'none' | 'token';

export interface AgentIdentity {
  readonly sub: string;
  readonly email?: string;
}

export type SessionEndReason =
  | 'agent-left'
  | 'customer-left'
  | 'expired'
  | 'token-rotated'
  | 'server-shutdown';

const sessionCode = z.string().regex(SESSION_CODE_PATTERN, 'a session code is 9 digits');

// ---- agent → server (text frames) ----
export const agentToServerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('join'), code: sessionCode }).strict(),
  z.object({ type: z.literal('leave') }).strict(),
]);
export type AgentToServer = z.infer<typeof agentToServerSchema>;

// ---- server → agent (text frames) ----
export const serverToAgentSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    agentAuth: z.enum(['none', 'token']),
    identity: z.object({ sub: z.string(), email: z.string().optional() }).nullable(),
    heartbeatMs: z.number().int().positive(),
  }),
  z.object({ type: z.literal('joined'), sessionId: z.string(), customerOrigin: z.string().nullable() }),
  z.object({
    type: z.literal('session-ended'),
    sessionId: z.string(),
    reason: z.enum(['agent-left', 'customer-left', 'expired', 'token-rotated', 'server-shutdown']),
  }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerToAgent = z.infer<typeof serverToAgentSchema>;

// ---- customer → server (text frames; page-stream frames are binary) ----
export const customerToServerSchema = z.discriminatedUnion('type', [
  /** First message on /cobrowse/customer: the secret never goes in the URL. */
  z.object({ type: z.literal('hello'), sessionId: z.string().min(1).max(64), secret: z.string().min(1).max(128) }).strict(),
  z.object({ type: z.literal('end') }).strict(),
]);
export type CustomerToServer = z.infer<typeof customerToServerSchema>;

// ---- server → customer (text frames) ----
export const serverToCustomerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), sessionId: z.string() }),
  z.object({ type: z.literal('agent-joined'), identity: z.object({ sub: z.string(), email: z.string().optional() }).nullable() }),
  z.object({ type: z.literal('agent-left') }),
  z.object({
    type: z.literal('session-ended'),
    sessionId: z.string(),
    reason: z.enum(['agent-left', 'customer-left', 'expired', 'token-rotated', 'server-shutdown']),
  }),
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
