// Every limit of the desktop's co-browse channel, with the reason for its value. Tests pass
// smaller values through `ChannelOptions.limits`; the product uses these.
import { REPLAY_BUFFER_MAX_CHARS } from '../../common/replay-buffer.js';
import { RESUME_GRACE_SECONDS } from '../../common/protocol.js';

export interface ChannelLimits {
  /** First reconnect delay ceiling. Half a second: a server restart or a Wi-Fi hand-over is often
   *  over that fast, and full jitter spreads agents over [0, 500 ms]. */
  readonly backoffBaseMs: number;
  /** Largest reconnect delay. 5 s: an agent in a session is back within seconds of the server
   *  (at 30 s, tries ended up 17–24 s apart and the 30 s resume grace was mostly spent waiting);
   *  with full jitter a thousand desktops retrying a dead server make ~400 refused handshakes a
   *  second, which costs a TCP connect each and nothing on the server while it is down. */
  readonly backoffCapMs: number;
  /** How long a WebSocket handshake (TCP, TLS, HTTP upgrade) may take. 10 s: slower than any healthy
   *  server; beyond it the agent is better served by the reconnecting state than by a spinner. */
  readonly handshakeTimeoutMs: number;
  /** How long after the upgrade the server's `welcome` may take. Same reasoning as the handshake. */
  readonly welcomeTimeoutMs: number;
  /** Silence allowed on an open link before the client pings, when `welcome` gives no interval.
   *  The server pings every `heartbeatMs` (welcome); 30 s matches common proxy idle timeouts. */
  readonly defaultHeartbeatMs: number;
  /** Extra silence allowed after the expected heartbeat before the client pings itself: one
   *  delayed ping on a busy server must not drop a healthy link. */
  readonly heartbeatGraceMs: number;
  /** How long the client waits for any traffic after its own ping before it calls the link dead.
   *  5 s: a pong is tiny; a link silent that long is gone. */
  readonly pingTimeoutMs: number;
  /** A link must stay up this long before the reconnect delays start again from the base: a server
   *  that accepts and then drops at once must not be hammered at the base rate. */
  readonly stableLinkMs: number;
  /** The server's answer to `join` (`joined` or `error`). 10 s, like the handshake. */
  readonly joinTimeoutMs: number;
  /** Refusals about the agent's identity (expired or invalid access token) are retried this many
   *  times in a row, because the access token is refreshed before each try; after that retrying
   *  cannot help and the channel stops in `failed`. */
  readonly maxIdentityRefusals: number;
  /** When the token asked for to renew the identity of an open link is still the old one (the
   *  sign-in service has not refreshed yet), ask again after this long, until the old one expires:
   *  the sign-in service's own floor between refreshes. */
  readonly identityRenewRetryMs: number;
  /** An open link asks for its renewed token this long after the sign-in service's own refresh
   *  time: the token's `iat` is in whole seconds and the service counts from when it received the
   *  token, so asking exactly then would mostly get the old token back. */
  readonly identityRenewMarginMs: number;
  /** A server's `Retry-After` (429 lock-out) is honoured up to this much; beyond it the agent gets
   *  the `failed` state's Retry button instead of an hour-long silent wait. */
  readonly retryAfterCapMs: number;
  /** Bytes read from the body of a refused handshake: enough for `{code, message}`, not for a
   *  hostile server to make the desktop buffer megabytes. */
  readonly refusalBodyMaxBytes: number;
  /** Largest message accepted from the server. Page snapshots are the largest frames and the
   *  server caps them at 8 MiB (server/limits.ts); twice that leaves room for a future server, and
   *  anything larger is a broken or hostile peer. */
  readonly maxPayloadBytes: number;
  /** A lag probe every 2 s while joined: often enough that the shown lag follows a changing
   *  network within seconds, rare enough to be noise next to the page stream (~60 bytes each). */
  readonly probeIntervalMs: number;
  /** Probes kept for the clock-offset estimate: the last 10 (20 s). The shortest round trip among
   *  them gives the offset, so one queued probe behind a snapshot does not skew it. */
  readonly probeWindow: number;
  /** Probes awaiting their echo; older ones are forgotten (a page that never echoes costs nothing). */
  readonly maxPendingProbes: number;
  /** How long a joined session waits for a dropped link to come back before it is given up: the
   *  server's grace (RESUME_GRACE_SECONDS, 30 s); after it the server has ended the session. */
  readonly resumeGraceMs: number;
}

export const CHANNEL_LIMITS: ChannelLimits = {
  backoffBaseMs: 500,
  backoffCapMs: 5_000,
  handshakeTimeoutMs: 10_000,
  welcomeTimeoutMs: 10_000,
  defaultHeartbeatMs: 30_000,
  heartbeatGraceMs: 5_000,
  pingTimeoutMs: 5_000,
  stableLinkMs: 30_000,
  joinTimeoutMs: 10_000,
  maxIdentityRefusals: 2,
  identityRenewRetryMs: 5_000,
  identityRenewMarginMs: 1_000,
  retryAfterCapMs: 5 * 60_000,
  refusalBodyMaxBytes: 8 * 1024,
  maxPayloadBytes: 16 * 1024 * 1024,
  probeIntervalMs: 2_000,
  probeWindow: 10,
  maxPendingProbes: 10,
  resumeGraceMs: RESUME_GRACE_SECONDS * 1000,
};

/**
 * Largest text a compressed page frame may inflate to. A hostile page can send a few KiB that
 * inflate to gigabytes (a compression bomb), so inflation stops here and the frame is dropped.
 * It is the replay buffer's whole budget (REPLAY_BUFFER_MAX_CHARS, common/replay-buffer.ts): a
 * bigger snapshot could not be replayed to a late renderer anyway. The snippet's own ceiling on a
 * snapshot's JSON is the same (server/snippet/limits.ts MAX_SNAPSHOT_JSON_BYTES).
 */
export const MAX_INFLATED_PAGE_FRAME_BYTES = REPLAY_BUFFER_MAX_CHARS;
