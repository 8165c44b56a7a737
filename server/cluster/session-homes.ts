// Where each live session runs (its home node), and the two ways a socket names a session before
// it is in one: the customer's hello (session id) and the agent's join (code) or resume (token).
// The home keeps the session's state and timers; a socket that reaches another node is relayed
// to the home through the session's Redis channel. Keys lapse by themselves.
import type { ControlState } from '../../common/protocol.js';
import type { RedisLink } from './redis-link.js';
import { SESSION_LIVE_TTL_MS } from './cluster-limits.js';

const homeKey = (id: string): string => `agentdesk:home:${id}`;
const codeKey = (code: string): string => `agentdesk:home-code:${code}`;
const resumeKey = (digest: string): string => `agentdesk:home-resume:${digest}`;
const stateKey = (id: string): string => `agentdesk:home-state:${id}`;

/**
 * What the home shares of a session so another node can run it when the home dies: everything
 * but the sockets and timers. Written a moment after each change (SESSION_STATE_FLUSH_MS), and at
 * once when a resume token is issued.
 */
export interface SharedSessionState {
  readonly id: string;
  readonly code: string;
  /** Hex SHA-256 of the customer secret (never the secret). */
  readonly secretDigest: string;
  readonly customerOrigin: string | null;
  readonly expiresAt: number;
  readonly joined: boolean;
  readonly control: ControlState;
  readonly agentSub: string | null;
  readonly resumeDigest: string | null;
  readonly page: { readonly url: string; readonly title: string } | null;
  readonly auditRows: number;
  readonly customerSeen: boolean;
  /** The highest action id passed to the customer: a repeat after a failover is not applied again. */
  readonly lastActionId: number;
}

// KEYS: home. ARGV: dead node, this node, ttl. Takes the home over from a dead node, once.
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return ARGV[2]
end
return current
`;

// KEYS: code, home. ARGV: session id, node, code ttl, home ttl. A code names one session in the
// whole cluster: each node draws codes on its own, so one already live elsewhere is refused.
const CREATED = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[3]) == false then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
return 1
`;

export class SessionHomes {
  readonly #link: RedisLink;

  constructor(link: RedisLink) {
    this.#link = link;
  }

  /** A session created on `node`: it is the home; the code finds it until the code's TTL.
   *  False, and nothing written, when another live session in the cluster holds the code. */
  async created(sessionId: string, code: string, node: string, unjoinedTtlMs: number): Promise<boolean> {
    const done = await this.#link.command.eval(CREATED, 2, codeKey(code), homeKey(sessionId), sessionId, node, unjoinedTtlMs, unjoinedTtlMs + SESSION_LIVE_TTL_MS);
    return done === 1;
  }

  /** The agent got a resume token (digest): it finds the session; the session stays known. */
  async joined(sessionId: string, resumeDigest: string): Promise<void> {
    await this.#link.command.multi().set(resumeKey(resumeDigest), sessionId, 'PX', SESSION_LIVE_TTL_MS).pexpire(homeKey(sessionId), SESSION_LIVE_TTL_MS).exec();
  }

  /** Keeps the homes of sessions this node serves from lapsing. */
  async touch(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const multi = this.#link.command.multi();
    for (const id of sessionIds) multi.pexpire(homeKey(id), SESSION_LIVE_TTL_MS).pexpire(stateKey(id), SESSION_LIVE_TTL_MS);
    await multi.exec();
  }

  async ended(sessionId: string): Promise<void> {
    await this.#link.command.del(homeKey(sessionId), stateKey(sessionId));
  }

  async saveState(state: SharedSessionState): Promise<void> {
    await this.#link.command.set(stateKey(state.id), JSON.stringify(state), 'PX', SESSION_LIVE_TTL_MS);
  }

  async state(sessionId: string): Promise<SharedSessionState | null> {
    const json = await this.#link.command.get(stateKey(sessionId));
    return json ? (JSON.parse(json) as SharedSessionState) : null;
  }

  /** Makes `node` the home in place of the dead one; returns the home after the race (maybe another node). */
  async claim(sessionId: string, deadHome: string, node: string): Promise<string> {
    return (await this.#link.command.eval(CLAIM, 1, homeKey(sessionId), deadHome, node, SESSION_LIVE_TTL_MS)) as string;
  }

  async homeOf(sessionId: string): Promise<string | null> {
    return this.#link.command.get(homeKey(sessionId));
  }

  async sessionOfCode(code: string): Promise<string | null> {
    return this.#link.command.get(codeKey(code));
  }

  async sessionOfResume(digest: string): Promise<string | null> {
    return this.#link.command.get(resumeKey(digest));
  }
}
