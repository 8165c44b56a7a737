// The server → customer messages, parsed at the edge with the protocol's own schema
// (common/customer-protocol.ts, zod/mini, so the bundle carries only the checks it uses).
import { serverToCustomerSchema, type ServerToCustomer } from '../../common/customer-protocol.js';
import { parseJsonText } from '../../common/parse-json.js';

/** A text frame from the server, or null when it is not a message this snippet knows. */
export function parseServerMessage(text: string): ServerToCustomer | null {
  const parsed = parseJsonText(text, serverToCustomerSchema);
  return parsed.ok ? parsed.value : null;
}
