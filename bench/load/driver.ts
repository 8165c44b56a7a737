// How a load generator talks to one relay: open a session's two sockets (agent and customer),
// pair them, stream customer → agent, and time one agent admission. One driver per relay kind.

export type RelayKind = 'agentdesk' | 'bare' | 'socketio';

export const RELAY_KINDS: readonly RelayKind[] = ['agentdesk', 'bare', 'socketio'];

export const RELAY_LABEL: Record<RelayKind, string> = {
  agentdesk: 'AgentDesk',
  bare: 'bare ws',
  socketio: 'Socket.IO',
};

/** One co-browse session as the load generator holds it: the customer's and the agent's socket. */
export interface SessionLink {
  /** Customer → relay → agent. */
  send(frame: Buffer): void;
  /** Makes the agent receive the customer's frames (AgentDesk: join by code). */
  pair(): Promise<void>;
  close(): void;
}

export interface GeneratorConfig {
  readonly relay: RelayKind;
  /** http://127.0.0.1:PORT of the relay. */
  readonly url: string;
  /** Distinguishes this generator's sessions from the other generators'. */
  readonly generatorIndex: number;
  /** AgentDesk: the 26-digit agent token sent in X-Cobrowse-Agent-Token. */
  readonly agentToken?: string;
  /** AgentDesk with per-agent identity: JWT access tokens, used round-robin. */
  readonly bearerTokens?: readonly string[];
  /** AgentDesk: an origin in the server's customerOrigins. */
  readonly customerOrigin?: string;
}

export interface Driver {
  /** Opens both sockets of session `index` (customer identified, agent admitted), not yet paired. */
  open(index: number, onAgentFrame: (frame: Buffer) => void): Promise<SessionLink>;
  /** Opens one agent socket, resolves once the relay admitted it (AgentDesk: `welcome`), closes it. */
  admitOne(index: number): Promise<void>;
}
