// The server → customer messages, parsed at the edge with zod/mini (a few KiB in the bundle,
// where the full schemas of common/protocol.ts would add hundreds). The compile-time check at the
// bottom keeps this schema inside the contract: what it accepts is a valid ServerToCustomer.
import * as z from 'zod/mini';
import type { ServerToCustomer } from '../../common/protocol.js';

const controlState = z.enum(['none', 'requested', 'granted', 'declined', 'revoked']);
const nodeId = z.number().check(z.int(), z.minimum(0), z.maximum(2 ** 31));
const id = z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
const coordinate = z.number().check(z.minimum(-1e6), z.maximum(1e6));
const point = z.tuple([coordinate, coordinate]);
const offset = z.number().check(z.minimum(0), z.maximum(1e6));
const endReason = z.enum(['agent-left', 'customer-left', 'agent-unreachable', 'customer-unreachable', 'expired', 'token-rotated', 'server-shutdown']);
const action = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('click'), nodeId }),
  z.strictObject({ kind: z.literal('input'), nodeId, value: z.string().check(z.maxLength(10_000)) }),
  z.strictObject({ kind: z.literal('scroll'), nodeId, x: offset, y: offset }),
]);

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), sessionId: z.string(), resumed: z.optional(z.boolean()), control: z.optional(controlState) }),
  z.object({ type: z.literal('agent-joined'), displayName: z.string().check(z.minLength(1), z.maxLength(80)) }),
  z.object({ type: z.literal('agent-left') }),
  z.object({ type: z.literal('agent-away'), graceSeconds: z.number().check(z.int(), z.positive()) }),
  z.object({ type: z.literal('session-ended'), sessionId: z.string(), reason: endReason }),
  z.object({ type: z.literal('pointer'), nodeId }),
  z.object({ type: z.literal('cursor'), at: z.nullable(point) }),
  z.object({ type: z.literal('annotation'), points: z.array(point).check(z.minLength(2), z.maxLength(400)) }),
  z.object({ type: z.literal('snapshot-request') }),
  z.object({ type: z.literal('control'), state: controlState }),
  z.object({ type: z.literal('action'), id, action }),
  z.object({ type: z.literal('probe'), id }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);

/** A text frame from the server, or null when it is not a message this snippet knows. */
export function parseServerMessage(text: string): ServerToCustomer | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = serverMessageSchema.safeParse(json);
  return parsed.success ? toContract(parsed.data) : null;
}

// Fails to compile if this schema ever accepts something the contract does not.
function toContract(message: z.infer<typeof serverMessageSchema>): ServerToCustomer {
  return message;
}
