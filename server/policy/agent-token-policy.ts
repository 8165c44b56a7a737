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
import { secretDigest } from './secret-digest.js';

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
  const match = matchToken(state, digest, now);
  if (match === null) return { kind: 'refused', code: 'AGENT_TOKEN_INVALID' };
  return { kind: 'accepted-with-token', tokenDigest: digest, validUntil: match.validUntil };
}

/**
 * Which of the state's tokens has this digest: the current one (no deadline), the previous one
 * while its grace runs (its deadline), or neither (null). The one place the comparison is made.
 * Both comparisons always run, so the time taken does not tell which token matched.
 */
export function matchToken(state: AgentTokenState, digest: Buffer, now: number): { readonly validUntil: number | null } | null {
  const isCurrent = state.current !== null && timingSafeEqual(secretDigest(state.current), digest);
  const previous = state.previous;
  const isPrevious = previous !== null && timingSafeEqual(secretDigest(previous.token), digest) && now < previous.validUntil;
  if (isCurrent) return { validUntil: null };
  if (isPrevious) return { validUntil: previous.validUntil };
  return null;
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
  const match = matchToken(state, tokenDigest, now);
  return match === null ? { stays: false } : { stays: true, until: match.validUntil };
}
