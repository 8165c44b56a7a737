// Live sessions in Redis, shared by every node of a cluster: the session store contract of
// server/sessions/session-store.ts (create, find by code — spending it —, find by id or resume
// digest, update, remove, expire) plus which node holds each side. Each step that reads and
// writes is one Lua script, so two nodes never both spend a code or both expire a session.
// Keys expire by themselves: unjoined sessions after their TTL, joined ones SESSION_LIVE_TTL_MS
// after the last touch by a node holding a side. Times come from the caller's clock (ms).
//
// Keys (prefix agentdesk:): session:<id> (JSON record), code:<code> → id, tomb:<code> →
// used|expired, resume:<hex digest> → id, live (zset id → key expiry), unjoined (zset id →
// expiresAt). Single Redis (or Sentinel) only: the scripts touch keys they derive, which Redis
// Cluster's slot rules do not allow.
import type { Redis } from 'ioredis';
import type { NetLimits } from '../limits.js';
import type { Clock } from '../policy/clock.js';
import { randomDigits } from '../sessions/random-digits.js';
import { newCustomerSecret, newSession, type CreateOutcome, type JoinOutcome, type Session } from '../sessions/session-registry.js';
import type { SessionPatch } from '../sessions/session-store.js';
import { SESSION_LIVE_TTL_MS } from './cluster-limits.js';

export const KEY_PREFIX = 'agentdesk:';

/** A session's shared state: the session store contract's SessionRecord plus where its sides are. */
export interface ClusterSessionRecord extends Session {
  /** The node holding the agent's socket now, or null while the agent is away. */
  agentNode: string | null;
  /** The node holding the customer's socket now, or null while the customer is away. */
  customerNode: string | null;
}

export type ClusterSessionPatch = SessionPatch & Partial<Pick<ClusterSessionRecord, 'agentNode' | 'customerNode'>>;

/** This store never answers SESSION_CODE_CANCELLED: a removed code's tombstone says expired. */
export type ClusterJoinOutcome = JoinOutcome<ClusterSessionRecord>;

export type ClusterCreateOutcome = CreateOutcome<ClusterSessionRecord>;

type StoreLimits = Pick<NetLimits, 'sessionUnjoinedTtlMs' | 'sessionTombstoneMs' | 'maxLiveSessions'>;

interface StoredRecord extends Omit<ClusterSessionRecord, 'secretDigest'> {
  readonly secretDigest: string;
}

function toStored(r: ClusterSessionRecord): StoredRecord {
  return { ...r, secretDigest: r.secretDigest.toString('hex') };
}

function fromStored(json: string): ClusterSessionRecord {
  const s = JSON.parse(json) as StoredRecord;
  return { ...s, secretDigest: Buffer.from(s.secretDigest, 'hex') };
}

// KEYS: live, unjoined, code, tomb, session. ARGV: id, json, now, unjoinedTtl, maxLive, liveTtl.
// Returns 1 created, 0 code taken (retry with another), -1 capacity reached.
const CREATE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5]) then return -1 end
if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
if not redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[4]) then return 0 end
local ttl = tonumber(ARGV[4]) + tonumber(ARGV[6])
redis.call('SET', KEYS[5], ARGV[2], 'PX', ttl)
redis.call('ZADD', KEYS[1], tonumber(ARGV[3]) + ttl, ARGV[1])
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]) + tonumber(ARGV[4]), ARGV[1])
return 1
`;

// KEYS: code, tomb, live, unjoined. ARGV: prefix, now, tombstoneMs, liveTtl.
// Returns {'OK', json} | {'EXPIRED'} | {'USED'} | {'UNKNOWN'}.
const JOIN = `
local id = redis.call('GET', KEYS[1])
if id then
  local key = ARGV[1] .. 'session:' .. id
  local json = redis.call('GET', key)
  if not json then return {'UNKNOWN'} end
  local rec = cjson.decode(json)
  if tonumber(ARGV[2]) >= rec.expiresAt then return {'EXPIRED'} end
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], 'used', 'PX', ARGV[3])
  rec.joined = true
  json = cjson.encode(rec)
  redis.call('SET', key, json, 'PX', ARGV[4])
  redis.call('ZADD', KEYS[3], tonumber(ARGV[2]) + tonumber(ARGV[4]), id)
  redis.call('ZREM', KEYS[4], id)
  return {'OK', json}
end
local why = redis.call('GET', KEYS[2])
if why == 'used' then return {'USED'} end
if why == 'expired' then return {'EXPIRED'} end
return {'UNKNOWN'}
`;

// KEYS: session. ARGV: prefix, patch json, liveTtl. A resumeDigest change moves the resume key.
const UPDATE = `
local json = redis.call('GET', KEYS[1])
if not json then return 0 end
local rec = cjson.decode(json)
local patch = cjson.decode(ARGV[2])
if patch.resumeDigest ~= nil and patch.resumeDigest ~= rec.resumeDigest then
  if rec.resumeDigest ~= cjson.null and rec.resumeDigest ~= nil then redis.call('DEL', ARGV[1] .. 'resume:' .. rec.resumeDigest) end
  if patch.resumeDigest ~= cjson.null then redis.call('SET', ARGV[1] .. 'resume:' .. patch.resumeDigest, rec.id, 'PX', redis.call('PTTL', KEYS[1])) end
end
for k, v in pairs(patch) do rec[k] = v end
redis.call('SET', KEYS[1], cjson.encode(rec), 'KEEPTTL')
return 1
`;

// KEYS: session, live, unjoined. ARGV: prefix, tombstoneMs.
const REMOVE = `
local json = redis.call('GET', KEYS[1])
if not json then return 0 end
local rec = cjson.decode(json)
local codeKey = ARGV[1] .. 'code:' .. rec.code
if redis.call('GET', codeKey) == rec.id then
  redis.call('DEL', codeKey)
  redis.call('SET', ARGV[1] .. 'tomb:' .. rec.code, 'expired', 'PX', ARGV[2])
end
if rec.resumeDigest ~= cjson.null and rec.resumeDigest ~= nil then redis.call('DEL', ARGV[1] .. 'resume:' .. rec.resumeDigest) end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], rec.id)
redis.call('ZREM', KEYS[3], rec.id)
return 1
`;

// KEYS: unjoined. ARGV: prefix, now. Claims (ZREM) the unjoined sessions past their TTL: each is
// returned to exactly one node.
const EXPIRE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local json = redis.call('GET', ARGV[1] .. 'session:' .. id)
  if json then table.insert(out, json) end
end
return out
`;

// KEYS: live. ARGV: prefix, now, liveTtl, ids... Extends joined sessions' keys (session, resume).
const TOUCH = `
local n = 0
for i = 4, #ARGV do
  local id = ARGV[i]
  local key = ARGV[1] .. 'session:' .. id
  local json = redis.call('GET', key)
  if json then
    local rec = cjson.decode(json)
    if rec.joined then
      redis.call('PEXPIRE', key, ARGV[3])
      if rec.resumeDigest ~= cjson.null and rec.resumeDigest ~= nil then redis.call('PEXPIRE', ARGV[1] .. 'resume:' .. rec.resumeDigest, ARGV[3]) end
      redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), id)
      n = n + 1
    end
  end
end
return n
`;

export class RedisSessionStore {
  readonly #redis: Redis;
  readonly #limits: StoreLimits;
  readonly #clock: Clock;
  readonly #liveTtlMs: number;

  constructor(redis: Redis, limits: StoreLimits, clock: Clock, liveTtlMs = SESSION_LIVE_TTL_MS) {
    this.#redis = redis;
    this.#limits = limits;
    this.#clock = clock;
    this.#liveTtlMs = liveTtlMs;
  }

  #key(kind: string, id: string): string {
    return `${KEY_PREFIX}${kind}:${id}`;
  }

  async create(customerOrigin: string | null): Promise<ClusterCreateOutcome> {
    const customerSecret = newCustomerSecret();
    const now = this.#clock();
    for (;;) {
      const session: ClusterSessionRecord = { ...newSession(randomDigits(9), customerSecret, customerOrigin, now + this.#limits.sessionUnjoinedTtlMs), agentNode: null, customerNode: null };
      const result = (await this.#redis.eval(
        CREATE,
        5,
        `${KEY_PREFIX}live`,
        `${KEY_PREFIX}unjoined`,
        this.#key('code', session.code),
        this.#key('tomb', session.code),
        this.#key('session', session.id),
        session.id,
        JSON.stringify(toStored(session)),
        now,
        this.#limits.sessionUnjoinedTtlMs,
        this.#limits.maxLiveSessions,
        this.#liveTtlMs,
      )) as number;
      if (result === -1) return { ok: false, code: 'SESSION_CAPACITY_REACHED' };
      if (result === 1) return { ok: true, session, customerSecret };
      // 0: the code is live or tombstoned; draw another (1 in 10^5 at full capacity).
    }
  }

  async findByCode(code: string): Promise<ClusterJoinOutcome> {
    const [what, json] = (await this.#redis.eval(
      JOIN,
      4,
      this.#key('code', code),
      this.#key('tomb', code),
      `${KEY_PREFIX}live`,
      `${KEY_PREFIX}unjoined`,
      KEY_PREFIX,
      this.#clock(),
      this.#limits.sessionTombstoneMs,
      this.#liveTtlMs,
    )) as [string, string?];
    switch (what) {
      case 'OK':
        return { ok: true, session: fromStored(json!) };
      case 'EXPIRED':
        return { ok: false, code: 'SESSION_CODE_EXPIRED' };
      case 'USED':
        return { ok: false, code: 'SESSION_CODE_USED' };
      default:
        return { ok: false, code: 'SESSION_CODE_UNKNOWN' };
    }
  }

  async findById(id: string): Promise<ClusterSessionRecord | undefined> {
    const json = await this.#redis.get(this.#key('session', id));
    if (!json) return undefined;
    const record = fromStored(json);
    if (!record.joined && this.#clock() >= record.expiresAt) return undefined;
    return record;
  }

  async findByResumeDigest(digest: string): Promise<ClusterSessionRecord | undefined> {
    const id = await this.#redis.get(this.#key('resume', digest));
    if (!id) return undefined;
    const record = await this.findById(id);
    return record?.resumeDigest === digest ? record : undefined;
  }

  async update(id: string, patch: ClusterSessionPatch): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    // undefined fields are not changes; null ones are (cjson keeps them as cjson.null).
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    await this.#redis.eval(UPDATE, 1, this.#key('session', id), KEY_PREFIX, JSON.stringify(defined), this.#liveTtlMs);
  }

  async remove(id: string): Promise<void> {
    await this.#redis.eval(REMOVE, 3, this.#key('session', id), `${KEY_PREFIX}live`, `${KEY_PREFIX}unjoined`, KEY_PREFIX, this.#limits.sessionTombstoneMs);
  }

  async expire(): Promise<ClusterSessionRecord[]> {
    const rows = (await this.#redis.eval(EXPIRE, 1, `${KEY_PREFIX}unjoined`, KEY_PREFIX, this.#clock())) as string[];
    return rows.map(fromStored).filter((r) => !r.joined);
  }

  /** Keeps joined sessions this node holds a side of from expiring; returns how many were live. */
  async touch(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.#redis.eval(TOUCH, 1, `${KEY_PREFIX}live`, KEY_PREFIX, this.#clock(), this.#liveTtlMs, ...ids)) as number;
  }

  async size(): Promise<number> {
    await this.#redis.zremrangebyscore(`${KEY_PREFIX}live`, '-inf', this.#clock());
    return this.#redis.zcard(`${KEY_PREFIX}live`);
  }
}
