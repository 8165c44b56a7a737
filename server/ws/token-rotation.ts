// Agents admitted with the shared agent token, re-checked whenever the token changes: a set,
// clear or rotation, or the end of a rotation grace, which the token source reports as a change
// (policy/token-grace.ts holds that deadline's one timer). An agent whose token no longer admits
// it loses its session (reason token-rotated) and its socket (4001).
import type { Logger } from 'pino';
import { tokenAgentStanding } from '../policy/agent-token-policy.js';
import type { Clock } from '../policy/clock.js';
import type { AgentAuthPolicy, AgentTokenSource } from '../types.js';
import type { AgentConnection } from './connections.js';
import { CloseCode } from './peer-socket.js';

export interface TokenRotationDeps {
  readonly source: AgentTokenSource;
  readonly policy: AgentAuthPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The agents connected now. */
  readonly agents: () => Iterable<AgentConnection>;
}

/** Starts re-checking token agents on every change of the token; returns the stop function. */
export function watchTokenRotation(deps: TokenRotationDeps): () => void {
  return deps.source.onChange((state) => {
    const now = deps.clock();
    for (const agent of deps.agents()) {
      if (!agent.tokenDigest || !agent.peer.open) continue;
      if (tokenAgentStanding(agent.tokenDigest, state, deps.policy, now).stays) continue;
      deps.logger.warn({ code: 'AGENT_TOKEN_ROTATED', remote: agent.peer.address }, 'agent disconnected: its token is no longer valid');
      agent.session?.end('token-rotated');
      agent.peer.sendError('AGENT_TOKEN_ROTATED');
      agent.peer.close(CloseCode.TokenRotated, 'AGENT_TOKEN_ROTATED');
    }
  });
}
