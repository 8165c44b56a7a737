// Where each live session runs (its home node), and the two ways a socket names a session before
// it is in one: the customer's hello (session id) and the agent's join (code) or resume (token).
// The home keeps the session's state and timers; a socket that reaches another node is relayed
// to the home through the session's Redis channel. Keys lapse by themselves.
import type { RedisLink } from './redis-link.js';
import { SESSION_LIVE_TTL_MS } from './cluster-limits.js';

const homeKey = (id: string): string => `agentdesk:home:${id}`;
const codeKey = (code: string): string => `agentdesk:home-code:${code}`;
const resumeKey = (digest: string): string => `agentdesk:home-resume:${digest}`;

export class SessionHomes {
  readonly #link: RedisLink;

  constructor(link: RedisLink) {
    this.#link = link;
  }

  /** A session created on `node`: it is the home; the code finds it until the code's TTL. */
  async created(sessionId: string, code: string, node: string, unjoinedTtlMs: number): Promise<void> {
    await this.#link.command.multi().set(homeKey(sessionId), node, 'PX', unjoinedTtlMs + SESSION_LIVE_TTL_MS).set(codeKey(code), sessionId, 'PX', unjoinedTtlMs).exec();
  }

  /** The agent got a resume token (digest): it finds the session; the session stays known. */
  async joined(sessionId: string, resumeDigest: string): Promise<void> {
    await this.#link.command.multi().set(resumeKey(resumeDigest), sessionId, 'PX', SESSION_LIVE_TTL_MS).pexpire(homeKey(sessionId), SESSION_LIVE_TTL_MS).exec();
  }

  /** Keeps the homes of sessions this node serves from lapsing. */
  async touch(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const multi = this.#link.command.multi();
    for (const id of sessionIds) multi.pexpire(homeKey(id), SESSION_LIVE_TTL_MS);
    await multi.exec();
  }

  async ended(sessionId: string): Promise<void> {
    await this.#link.command.del(homeKey(sessionId));
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
