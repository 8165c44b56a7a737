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
  /** Same for headers, which include the handshake of both WebSocket paths. Answered with 408. */
  httpHeadersTimeoutMs: 10 * SECOND,
  /**
   * How often node:http checks the two timeouts above. Its default (30 s) let slow headers live
   * 24-30 s instead of 10 s; checking every second keeps the promise within a second.
   */
  httpTimeoutCheckIntervalMs: 1 * SECOND,

  // ---- connections ----
  /**
   * Open TCP connections in total. Each live session holds two sockets (customer, agent) plus a
   * short HTTP request now and then, so 10,000 sessions need about 20,000. The server also never
   * goes past its open-file limit minus `reservedFileDescriptors` (see connection-limits.ts), so
   * a flood of sockets gets refused connections instead of resetting every new one (EMFILE).
   */
  maxOpenConnections: 25_000,
  /** Files the process keeps for itself under the open-file limit: the database, logs, DNS, TLS files. */
  reservedFileDescriptors: 256,
  /**
   * Open connections from one client address (IPv6: one /64). A customer's browser opens a few; a
   * contact center's NAT puts every agent behind one address, one socket each, so this is sized
   * for a few hundred agents per address. Raise it for larger centers (docs/DEPLOYMENT.md).
   * Connections from a trusted proxy are counted per client at the WebSocket handshake instead.
   */
  maxConnectionsPerAddress: 500,

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
  /**
   * Bytes a customer socket may send before its hello is accepted. The snippet sends only the
   * hello (under 300 bytes) and waits for `ready`; the 8 MiB page-frame allowance starts after
   * it. Counted on the raw socket as bytes arrive, so an unfinished 8 MiB frame is cut at 16 KiB
   * instead of being buffered (150 such sockets once took the server to 1.35 GB).
   */
  customerPreHelloBytes: 16 * KIB,
  /**
   * Customer sockets waiting for their hello at once. A page says hello within milliseconds, so
   * even a busy site has few waiting; past this, new customer sockets get 503 until some finish.
   * Bounds pre-hello memory to about maxPreHelloSockets × (customerPreHelloBytes + one 64 KiB read).
   */
  maxPreHelloSockets: 2_000,
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
  /**
   * A customer page creates one session per co-browse request; 10 a minute covers reloads. Counted
   * when the request is admitted, before its body is read: a client holding its body back still
   * spends its quota (300 held requests once all passed a check made after the read).
   */
  sessionCreatesPerWindow: 10,
  sessionCreateWindowMs: MINUTE,
  /**
   * Sessions created per window by everyone together. At the 20-minute unjoined TTL, 1,000 a
   * minute reach maxLiveSessions in 10 minutes: many addresses together can still fill the
   * capacity, but not in seconds, and the operator sees the refusals (metrics, logs) first.
   */
  sessionCreatesTotalPerWindow: 1_000,
  /**
   * Wrong codes an agent connection may try per window: a person retyping a code a few times
   * is fine, but 9-digit codes must not be guessable in bulk.
   */
  joinFailuresPerConnection: 5,
  /** The same per remote address, across connections (a desktop pool behind one NAT shares it). */
  joinFailuresPerAddress: 20,
  /**
   * The same for all agents together, so guessers spread over many addresses are bounded too: at
   * most 1,000 guesses per 10 minutes against at most maxLiveSessions codes out of 10^9 is one
   * chance in 100 per window at full capacity. Past it, new joins wait for the window (resumes
   * with a valid token still pass); a real contact center mistypes far fewer codes than this.
   */
  joinFailuresTotalPerWindow: 1_000,
  joinFailureWindowMs: 10 * MINUTE,
  /** Live sessions at once: bounds memory and keeps the 9-digit code space sparse (1 in 10^5). */
  maxLiveSessions: 10_000,
  /**
   * Keys one failure or rate counter holds per window (addresses, credentials). Counters expire a
   * window at a time and never scan their keys (30,000 addresses once cost 88% CPU for 35 s);
   * past this, new keys share one overflow count, so a spray of addresses is limited together.
   */
  counterMaxKeys: 100_000,

  // ---- live co-browse (issue 5) ----
  /**
   * How long either side may be gone before the session ends for both: a page navigation or a
   * network blip (Wi-Fi hand-over, laptop lid) is over in seconds; 30 s is the protocol's promise.
   */
  resumeGraceMs: RESUME_GRACE_SECONDS * SECOND,
  /**
   * Agent control messages (pointer, action, probe, control) per second per agent socket: a person
   * clicks and types far slower; the lag probe runs once a second. Past it the message is dropped
   * with MESSAGE_RATE_LIMITED, so a runaway desktop cannot flood the customer's page. Identity
   * renewals (`identity`, one signature check each) count too: a desktop sends one per token life.
   */
  agentControlMessagesPerSecond: 50,
  /**
   * Customer control messages (control, action-refused, probe-echo) per session per second, as for
   * the agent: the page answers the agent's actions and probes, so it sends no more than the agent
   * may; past it MESSAGE_RATE_LIMITED (94 ms of unlimited action-refused once filled the audit cap).
   */
  customerControlMessagesPerSecond: 50,
  /**
   * Audit rows per kind per session for the kinds the customer side or the network causes (page,
   * action-refused, customer-away/back, agent-away): past it that kind is counted but not stored,
   * with one audit-capped row saying so. The agent's kinds (join, resume, mode, action) have their
   * own larger cap, and session-start and end are always written, so a flood of one kind never
   * hides control changes, agent actions or the end.
   */
  auditEventsPerKindPerSession: 2_000,
  /**
   * The agent's own kinds per session: agent messages are limited to 50 a second; an hour of busy
   * clicking writes a few thousand rows. Bounds the disk a runaway (authenticated) desktop can fill.
   */
  auditAgentEventsPerSession: 20_000,
  /** Customer `page` messages per session per minute: real navigation is far slower; each one is an audit row. */
  pageVisitsPerMinute: 60,

  // ---- the snippet and the history endpoint ----
  /**
   * Browsers and proxies may keep the snippet 5 minutes: a release reaches customers quickly, while
   * pages that load it on every navigation do not fetch it each time (the ETag makes re-checks cheap).
   */
  snippetMaxAgeSec: 300,
  /** Rows the history endpoint returns (then the end row, and how many were left out): a few hundred KiB of JSON. */
  historyMaxEvents: 5_000,
} as const;

export type NetLimits = { readonly [K in keyof typeof NET_LIMITS]: number };

/** The server log's limits (server/log/). */
export const LOG_LIMITS = {
  /** Characters of an attacker-controlled value (Origin, URL, header) kept in a log line. */
  valueChars: 256,
  /** Refusal lines are limited per kind (error code) per window of this length... */
  refusalWindowMs: MINUTE,
  /** ...to this many; the rest are counted and the count rides on the next line of the kind. */
  refusalLinesPerWindow: 1,
  /**
   * Log bytes waiting to be written before new lines are dropped (and counted): a slow log reader
   * must neither block the relay (a synchronous logger once raised the relay's p50 to 763 ms) nor
   * grow memory without bound.
   */
  bufferBytes: 4 * MIB,
  /**
   * How long a stopping server waits for buffered log lines to reach a slow reader: long enough for
   * a live reader to take what is left, short enough that a reader that is gone (the demo killed)
   * never holds a stopping server (the demo gives its children ten seconds).
   */
  exitFlushMs: 1_000,
} as const;

/** The server's TLS files (server/http/tls-files.ts). */
export const TLS_LIMITS = {
  /**
   * How often the certificate and key files are checked for a change. A renewal is picked up within
   * this; a stat per file every 2 s costs nothing.
   */
  fileCheckIntervalMs: 2 * SECOND,
} as const;
