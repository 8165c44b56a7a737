// The one option the server keeps: the shared agent token, called `slave.password` after the
// Genesys option it replaces, and the row that holds its predecessor during a rotation grace.
import { AGENT_TOKEN_PATTERN } from '../../common/protocol.js';

export const AGENT_TOKEN_OPTION = 'slave.password';
/** Row name of the rotated-out token while its grace runs. Never a name users type. */
export const PREVIOUS_AGENT_TOKEN_ROW = 'slave.password#previous';

/** `admin.apiKey` (issue 5) is kept as a salted digest by AdminKeyStore, not in the options table. */
export const OPTION_NAMES = [AGENT_TOKEN_OPTION, 'admin.apiKey'] as const;
export type OptionName = (typeof OPTION_NAMES)[number];

export function isOptionName(value: string): value is OptionName {
  return (OPTION_NAMES as readonly string[]).includes(value);
}

/**
 * Why `value` is not a valid agent token, in words a person can act on, or null when it is valid.
 * The value itself is never echoed: it may be the real token with a typo.
 */
export function agentTokenProblem(value: string): string | null {
  if (AGENT_TOKEN_PATTERN.test(value)) return null;
  if (value.length === 0) return `${AGENT_TOKEN_OPTION} must be 26 digits; the value is empty`;
  const problems: string[] = [];
  if (/\s/.test(value)) problems.push('it contains spaces or other blank characters');
  if (/[^\d\s]/.test(value)) problems.push('it contains characters that are not digits 0-9');
  // Count code points, not UTF-16 units, so "length" means what a person counts.
  const length = [...value].length;
  if (length !== 26) problems.push(`it has ${length} characters, not 26`);
  return `${AGENT_TOKEN_OPTION} must be exactly 26 digits (0-9): ${problems.join('; ')}`;
}
