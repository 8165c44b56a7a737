// The agent-token rules, exactly as Genesys documents them for `slave.password`:
//   server has no token, request has none      → accepted without agent authentication
//   server has no token, request has one       → accepted without agent authentication + warning
//   server has a token, request has the same   → accepted, agent authenticated
//   server has a token, request differs/lacks  → refused before the upgrade (401)
// plus the `required` policy (no token configured → every agent refused) and the rotation grace.
import { timingSafeEqual } from 'node:crypto';
import { AGENT_TOKEN_PATTERN } from '../../common/protocol.js';
import { assertNever } from '../../common/assert-never.js';
import type { AgentAuthPolicy, AgentTokenState } from '../types.js';
import { matchesDigest, secretDigest } from './constant-time-equal.js';

export type AgentTokenAdmission =
  | { readonly kind: 'accepted-without-auth'; readonly warning: 'AGENT_TOKEN_NOT_CONFIGURED' | null }
  | { readonly kind: 'accepted-with-token'; readonly tokenDigest: Buffer; readonly validUntil: number | null }
  | { readonly kind: 'refused'; readonly code: 'AGENT_TOKEN_INVALID' | 'AGENT_TOKEN_REQUIRED' };

/** The header value as Node gives it: a repeated header arrives joined or as an array. */
export type PresentedToken = string | readonly string[] | undefined;

export function admitAgentToken(
  state: AgentTokenState,
  presented: PresentedToken,
  policy: AgentAuthPolicy,
  now: number,
): AgentTokenAdmission {
  const hasHeader = presented !== undefined;
  if (state.current === null) {
    switch (policy) {
      case 'required':
        return { kind: 'refused', code: 'AGENT_TOKEN_REQUIRED' };
      case 'compatible':
        return { kind: 'accepted-without-auth', warning: hasHeader ? 'AGENT_TOKEN_NOT_CONFIGURED' : null };
      default:
        return assertNever(policy, 'agent auth policy');
    }
  }
  if (typeof presented !== 'string' || !AGENT_TOKEN_PATTERN.test(presented)) {
    return { kind: 'refused', code: 'AGENT_TOKEN_INVALID' };
  }
  const digest = secretDigest(presented);
  // Both comparisons always run, so the answer time does not tell which token matched.
  const isCurrent = matchesDigest(state.current, digest);
  const previous = state.previous;
  const isPrevious = previous !== null && matchesDigest(previous.token, digest) && now < previous.validUntil;
  if (isCurrent) return { kind: 'accepted-with-token', tokenDigest: digest, validUntil: null };
  if (isPrevious) return { kind: 'accepted-with-token', tokenDigest: digest, validUntil: previous.validUntil };
  return { kind: 'refused', code: 'AGENT_TOKEN_INVALID' };
}

/**
 * Whether an agent admitted with the token whose digest is `tokenDigest` may stay connected
 * under the new `state`. Returns the instant its token stops being valid (null: no deadline),
 * or `false` when it must be disconnected now.
 *
 * A cleared token under `compatible` keeps token agents: the server would now admit them
 * without authentication anyway. Under `required` a cleared token admits nobody, so they go.
 */
export function tokenAgentStanding(
  tokenDigest: Buffer,
  state: AgentTokenState,
  policy: AgentAuthPolicy,
  now: number,
): { readonly stays: true; readonly until: number | null } | { readonly stays: false } {
  if (state.current === null) {
    return policy === 'compatible' ? { stays: true, until: null } : { stays: false };
  }
  if (timingSafeEqual(secretDigest(state.current), tokenDigest)) return { stays: true, until: null };
  const previous = state.previous;
  if (previous !== null && now < previous.validUntil && timingSafeEqual(secretDigest(previous.token), tokenDigest)) {
    return { stays: true, until: previous.validUntil };
  }
  return { stays: false };
}
