// Every limit of the co-browse server's network side, with the reason it has this value.
// Tests may pass a partial override to startServer (see StartServerInternals in app.ts); the
// product always runs with these values.
import { RESUME_GRACE_SECONDS } from '../common/protocol.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const KIB = 1024;
const MIB = 1024 * KIB;

export const NET_LIMITS = {
  // ---- HTTP ----
  /** The only request body we read is POST /cobrowse/rest/sessions, which is `{}` today. */
  httpBodyBytes: 4 * KIB,
  /** A client that cannot send a 4 KiB body or its headers in 10 s is stalling a socket on purpose. */
  httpRequestTimeoutMs: 10 * SECOND,
  /** Same for headers, which include the handshake of both WebSocket paths. */
  httpHeadersTimeoutMs: 10 * SECOND,

  // ---- WebSocket frames ----
  /** Agents send only small JSON control messages (join, leave). */
  agentMaxPayloadBytes: 16 * KIB,
  /**
   * The customer socket's ceiling is the largest page frame: a full DOM snapshot of a heavy page
   * (inline styles, many nodes) fits in 8 MiB; anything bigger is a runaway page or an attack.
   */
  customerMaxPayloadBytes: 8 * MIB,
  /** Incremental batches are flushed every few hundred ms by the snippet, so they stay small. */
  incrementalFrameBytes: 512 * KIB,
  /** Text (JSON) frames from the customer are control messages only. */
  customerTextFrameBytes: 16 * KIB,
  /** Bad text frames a socket may send before it is closed with 1008: a client bug, not a typo. */
  badFramesBeforeClose: 5,
  /**
   * Bytes the server may buffer toward a slow reader before it closes that socket with 1013.
   * Page frames cannot be dropped (incremental events depend on the ones before), so a reader
   * this far behind would only show a broken page: two full snapshots' worth is the ceiling.
   */
  maxBufferedBytes: 16 * MIB,

  // ---- liveness ----
  /** Ping every 30 s; a peer that has not answered the previous ping by then is terminated. */
  heartbeatIntervalMs: 30 * SECOND,
  /**
   * A heartbeat pings this many sockets per turn of the event loop, then lets page frames through.
   * One ping is a socket write (10-40 µs on a busy 2-core machine): all 1,000 sockets of 500
   * sessions in one go stalled the relay 11-43 ms every 30 s (issue 15), 20,000 sockets would stall
   * it for most of a second. 200 keeps each turn under ~8 ms.
   */
  heartbeatSliceSize: 200,
  /** The snippet sends hello right after the socket opens; 5 s covers a slow mobile network. */
  customerHelloTimeoutMs: 5 * SECOND,
  /** On close(), sockets get this long to flush their last messages before being terminated. */
  shutdownDrainMs: 3 * SECOND,

  // ---- agent authentication ----
  /** Failed agent handshakes are counted per remote address in windows of this length. */
  authFailureWindowMs: MINUTE,
  /** From this many failures in a window on, each refusal is delayed (slows online guessing). */
  authFailuresBeforeSlowdown: 5,
  /** How long a refusal is delayed once slowed; long enough to make bulk guessing pointless. */
  authSlowdownDelayMs: 1 * SECOND,
  /** This many failures in a window lock the address out: a person mistyping does not get here. */
  authFailuresBeforeLockout: 10,
  /** How long a locked-out address gets 429 without its token being looked at. */
  authLockoutMs: 5 * MINUTE,
  /** Clock skew tolerated on the `exp`/`nbf`/`iat` of agents' access tokens. */
  oidcClockToleranceSec: 30,
  /** How long the handshake waits for the issuer's discovery document or JWKS. */
  oidcFetchTimeoutMs: 5 * SECOND,

  // ---- sessions ----
  /** An unjoined session (and its code) expires after 20 minutes, as in Genesys co-browse. */
  sessionUnjoinedTtlMs: 20 * MINUTE,
  /**
   * Used and expired codes are remembered this long so the agent hears "already used" or
   * "expired" rather than "unknown", and so a fresh code never repeats a recent one.
   */
  sessionTombstoneMs: 60 * MINUTE,
  /** How often expired sessions are swept (the join path also checks expiry itself). */
  sessionSweepIntervalMs: 30 * SECOND,
  /** A customer page creates one session per co-browse request; 10 a minute covers reloads. */
  sessionCreatesPerWindow: 10,
  sessionCreateWindowMs: MINUTE,
  /**
   * Wrong codes an agent connection may try per window: a person retyping a code a few times
   * is fine, but 9-digit codes must not be guessable in bulk.
   */
  joinFailuresPerConnection: 5,
  /** The same per remote address, across connections (a desktop pool behind one NAT shares it). */
  joinFailuresPerAddress: 20,
  joinFailureWindowMs: 10 * MINUTE,
  /** Live sessions at once: bounds memory and keeps the 9-digit code space sparse (1 in 10^5). */
  maxLiveSessions: 10_000,

  // ---- live co-browse (issue 5) ----
  /**
   * How long either side may be gone before the session ends for both: a page navigation or a
   * network blip (Wi-Fi hand-over, laptop lid) is over in seconds; 30 s is the protocol's promise.
   */
  resumeGraceMs: RESUME_GRACE_SECONDS * SECOND,
  /**
   * Audit rows one session may write. A session with an agent clicking for an hour writes a few
   * hundred; past this the page or agent is flooding, and the rest is counted but not stored.
   */
  auditEventsPerSession: 5_000,
  /**
   * Agent control messages (pointer, action, probe, control) per second per agent socket: a person
   * clicks and types far slower; the lag probe runs once a second. Past it the message is dropped
   * with MESSAGE_RATE_LIMITED, so a runaway desktop cannot flood the customer's page. Identity
   * renewals (`identity`, one signature check each) count too: a desktop sends one per token life.
   */
  agentControlMessagesPerSecond: 50,
  /** Customer `page` messages per session per minute: real navigation is far slower; each one is an audit row. */
  pageVisitsPerMinute: 60,

  // ---- the snippet and the history endpoint ----
  /**
   * Browsers and proxies may keep the snippet 5 minutes: a release reaches customers quickly, while
   * pages that load it on every navigation do not fetch it each time (the ETag makes re-checks cheap).
   */
  snippetMaxAgeSec: 300,
  /** A session's history holds at most auditEventsPerSession rows, a few hundred KiB of JSON. */
  historyMaxEvents: 5_000,
} as const;

export type NetLimits = { readonly [K in keyof typeof NET_LIMITS]: number };
