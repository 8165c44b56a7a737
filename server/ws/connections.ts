import type { AgentAuth, AgentIdentity } from '../../common/protocol.js';
import type { LiveSession } from '../sessions/live-session.js';
import type { IdentityExpiry } from './identity-expiry.js';
import type { PeerSocket } from './peer-socket.js';

export type CobrowseSession = LiveSession;

/** An admitted agent desktop on /cobrowse/agent. */
export interface AgentConnection {
  readonly kind: 'agent';
  /** Key of this connection's wrong-code counter. */
  readonly id: string;
  readonly peer: PeerSocket;
  readonly agentAuth: AgentAuth;
  readonly identity: AgentIdentity | null;
  /** Ends the connection when its access token expires unrenewed; null without per-agent identity. */
  identityExpiry: IdentityExpiry | null;
  /** SHA-256 of the token it was admitted with (never the token itself); null without one. */
  readonly tokenDigest: Buffer | null;
  session: CobrowseSession | null;
}

/** A customer page on /cobrowse/customer; `session` is set by a valid hello. */
export interface CustomerConnection {
  readonly kind: 'customer';
  readonly peer: PeerSocket;
  readonly origin: string;
  session: CobrowseSession | null;
  helloTimer: NodeJS.Timeout | null;
  /** Called once a hello is accepted: the socket's small pre-hello allowance ends (pre-hello-guard.ts). */
  readonly helloAccepted: () => void;
}
