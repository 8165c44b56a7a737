import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionRegistry } from '../../../../server/sessions/session-registry.js';
import { matchesDigest } from '../../../../server/policy/secret-digest.js';

const LIMITS = { sessionUnjoinedTtlMs: 1000, sessionTombstoneMs: 5000, maxLiveSessions: 3 };

function registry(clock: { now: number }) {
  return new SessionRegistry(LIMITS, () => clock.now);
}

describe('SessionRegistry', () => {
  it('creates sessions with a 9-digit code, a secret kept only as a digest, and an expiry', () => {
    const clock = { now: 0 };
    const r = registry(clock);
    const created = r.create('https://shop.example.test');
    assert.ok(created.ok);
    assert.match(created.session.code, /^\d{9}$/);
    assert.equal(created.session.expiresAt, 1000);
    assert.ok(matchesDigest(created.customerSecret, created.session.secretDigest));
    assert.ok(!Object.values(created.session).includes(created.customerSecret), 'the session does not hold the secret');
  });

  it('a code joins once; then it is used, and an unknown code is unknown', () => {
    const clock = { now: 0 };
    const r = registry(clock);
    const created = r.create(null);
    assert.ok(created.ok);
    const { code } = created.session;
    const first = r.join(code);
    assert.ok(first.ok && first.session.joined);
    assert.deepEqual(r.join(code), { ok: false, code: 'SESSION_CODE_USED' });
    assert.deepEqual(r.join(code === '000000000' ? '000000001' : '000000000'), { ok: false, code: 'SESSION_CODE_UNKNOWN' });
  });

  it('an unjoined session expires at its TTL; its code then says expired until the tombstone lapses', () => {
    const clock = { now: 0 };
    const r = registry(clock);
    const created = r.create(null);
    assert.ok(created.ok);
    clock.now = 999;
    assert.equal(r.get(created.session.id), created.session);
    assert.deepEqual(r.expired(), []);
    clock.now = 1000;
    assert.equal(r.get(created.session.id), undefined);
    assert.deepEqual(r.join(created.session.code), { ok: false, code: 'SESSION_CODE_EXPIRED' });
    assert.deepEqual(r.expired(), [created.session]);
    r.remove(created.session);
    assert.equal(r.size, 0);
    assert.deepEqual(r.join(created.session.code), { ok: false, code: 'SESSION_CODE_EXPIRED' });
    clock.now = 6000;
    r.expired();
    assert.deepEqual(r.join(created.session.code), { ok: false, code: 'SESSION_CODE_UNKNOWN' });
  });

  it('a code the customer cancelled before any join answers "cancelled", not "expired"', () => {
    const r = registry({ now: 0 });
    const created = r.create('https://shop.example.test');
    assert.ok(created.ok);
    r.remove(created.session, 'cancelled');
    assert.deepEqual(r.join(created.session.code), { ok: false, code: 'SESSION_CODE_CANCELLED' });
  });

  it('a joined session does not expire', () => {
    const clock = { now: 0 };
    const r = registry(clock);
    const created = r.create(null);
    assert.ok(created.ok);
    r.join(created.session.code);
    clock.now = 10_000;
    assert.equal(r.get(created.session.id), created.session);
    assert.deepEqual(r.expired(), []);
  });

  it('refuses creation beyond the live-session cap and keeps codes unique', () => {
    const r = registry({ now: 0 });
    const codes = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const c = r.create(null);
      assert.ok(c.ok);
      codes.add(c.session.code);
    }
    assert.equal(codes.size, 3);
    assert.deepEqual(r.create(null), { ok: false, code: 'SESSION_CAPACITY_REACHED' });
  });
});
