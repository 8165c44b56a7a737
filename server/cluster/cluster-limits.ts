// Every limit of the cluster mode (Redis, PostgreSQL, the cross-node relay), with its reason.

/**
 * Audit events waiting for PostgreSQL on one node. An event row is ~200 bytes, so 20 000 is
 * ~4 MB of memory: minutes of a busy node's audit while PostgreSQL restarts, without letting an
 * outage grow the heap without bound. Past it new events are dropped, counted and logged.
 */
export const AUDIT_QUEUE_MAX_EVENTS = 20_000;

/** Rows per INSERT: one round trip carries a burst, and a statement stays far below PG's limits. */
export const AUDIT_BATCH_MAX_EVENTS = 500;

/**
 * Retry delays after a failed audit write: from 200 ms doubling to 5 s. Short enough that the
 * trail is written within seconds of PostgreSQL coming back, long enough not to hammer it.
 */
export const AUDIT_RETRY_MIN_MS = 200;
export const AUDIT_RETRY_MAX_MS = 5_000;

/** A drop is logged at most once per this window (with the count), so an outage does not flood the log. */
export const AUDIT_DROP_LOG_INTERVAL_MS = 10_000;

/**
 * How long a PostgreSQL connect or query may take before it counts as failed. A healthy PG on the
 * same network answers in milliseconds; 5 s rides out a failover without hanging an admin request.
 */
export const PG_CONNECT_TIMEOUT_MS = 5_000;
export const PG_QUERY_TIMEOUT_MS = 5_000;

/** Connections per node: the audit writer, option reads and history reads rarely overlap. */
export const PG_POOL_MAX = 4;

/**
 * Backstop re-read of the options from PostgreSQL. Changes arrive by Redis pub/sub within
 * milliseconds; a notification lost while Redis was down is picked up by this poll.
 */
export const OPTIONS_POLL_INTERVAL_MS = 5_000;

/**
 * A Redis command that takes longer than this fails (the node then treats Redis as away). Redis
 * answers in well under a millisecond on a LAN; 1 s rides out a pause without hanging a handshake.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 1_000;
export const REDIS_CONNECT_TIMEOUT_MS = 2_000;

/** Reconnect delays after losing Redis: 100 ms growing to 1 s, so a restarted Redis is back within a second. */
export const REDIS_RECONNECT_MIN_MS = 100;
export const REDIS_RECONNECT_MAX_MS = 1_000;

/**
 * A joined session's keys in Redis live this long after the last touch by a node holding one of
 * its sides (nodes touch their sessions every SESSION_TOUCH_INTERVAL_MS). It must outlast the
 * 30 s resume grace plus a touch interval, so a session whose nodes all died still has its keys
 * when both sides reconnect elsewhere; a session nobody holds any more expires by itself.
 */
export const SESSION_LIVE_TTL_MS = 120_000;
export const SESSION_TOUCH_INTERVAL_MS = 30_000;

/**
 * Keys one node keeps in its copy of the shared counters. Past this the oldest are forgotten (an
 * attacker spraying fresh addresses cannot grow a node's memory; Redis still holds every count).
 */
export const SHARED_COUNTER_MAX_KEYS = 100_000;

/**
 * Each node renews its liveness key every NODE_HEARTBEAT_MS; the key lapses NODE_LIVENESS_TTL_MS
 * after the last renewal. Four missed renewals mean the node is gone (kill -9, a cut network):
 * the nodes relaying its sessions' sockets then close them so the clients reconnect elsewhere.
 */
export const NODE_HEARTBEAT_MS = 500;
export const NODE_LIVENESS_TTL_MS = 2_000;

/**
 * How soon after a change the home writes a session's state to Redis (changes in between are
 * written together). A home killed inside this window loses at most that much control/page state;
 * the sides' resume still works because the resume token's digest is written when it is issued.
 */
export const SESSION_STATE_FLUSH_MS = 200;

/**
 * How many codes a node draws for one new session when each is already live elsewhere in the
 * cluster. A 9-digit code collides with another live one about once per 10^9 / (live sessions)
 * draws, so a second draw is almost never needed; three keep a freak run from failing the POST.
 */
export const CLUSTER_CODE_DRAWS = 3;
