// What the customer's page learns of the agent: a display name, never sub or e-mail (the page,
// and every third-party script on it, would read them). The token's `name` (or `given_name`),
// trimmed of control characters and cut to the protocol's 80 characters; "An agent" without one.
import type { AgentIdentity } from '../../common/protocol.js';

export const ANONYMOUS_AGENT = 'An agent';
const MAX_DISPLAY_NAME_CHARS = 80;

export function agentDisplayName(identity: AgentIdentity | null): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const name = (identity?.name ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
  return name === '' ? ANONYMOUS_AGENT : [...name].slice(0, MAX_DISPLAY_NAME_CHARS).join('').trim();
}
