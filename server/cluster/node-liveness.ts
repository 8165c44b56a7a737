// Which nodes are alive: each renews agentdesk:node:<name> (a key that lapses by itself), so a
// node that dies — however it dies — is known to be gone within NODE_LIVENESS_TTL_MS.
import type { RedisLink } from './redis-link.js';
import { NODE_HEARTBEAT_MS, NODE_LIVENESS_TTL_MS } from './cluster-limits.js';

function nodeKey(name: string): string {
  return `agentdesk:node:${name}`;
}

export class NodeLiveness {
  readonly #link: RedisLink;
  readonly #name: string;
  readonly #timer: NodeJS.Timeout;

  constructor(link: RedisLink, name: string) {
    this.#link = link;
    this.#name = name;
    this.#timer = setInterval(() => void this.#renew(), NODE_HEARTBEAT_MS);
    this.#timer.unref();
    void this.#renew();
  }

  async #renew(): Promise<void> {
    if (!this.#link.ready()) return;
    await this.#link.command.set(nodeKey(this.#name), '1', 'PX', NODE_LIVENESS_TTL_MS).catch(() => {});
  }

  /** Whether `name` renewed its key lately; false while Redis cannot be asked. */
  async isAlive(name: string): Promise<boolean> {
    if (name === this.#name) return true;
    try {
      return (await this.#link.command.exists(nodeKey(name))) === 1;
    } catch {
      return false;
    }
  }

  /** Stops renewing; with `forget`, this node is known gone at once (a drained node). */
  async stop(forget: boolean): Promise<void> {
    clearInterval(this.#timer);
    if (forget) await this.#link.command.del(nodeKey(this.#name)).catch(() => {});
  }
}
