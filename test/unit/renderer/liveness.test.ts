import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lastUpdateText, liveness, LIVENESS_STALE_MS } from '../../../renderer/liveness.js';

describe('mirror liveness', () => {
  const now = 1_000_000;
  it('live while something arrived within the window', () => {
    assert.deepEqual(liveness({ sessionStatus: 'joined', customerAway: false, heardAt: [now - 60_000, now - 1000, null], now }), { status: 'live' });
  });

  it('stale once nothing arrived for longer than the window, counting from the latest of probe and frame', () => {
    const state = liveness({ sessionStatus: 'joined', customerAway: false, heardAt: [now - 60_000, now - LIVENESS_STALE_MS - 500, undefined], now });
    assert.deepEqual(state, { status: 'stale', silentForMs: LIVENESS_STALE_MS + 500 });
  });

  it('says reconnecting or customer away rather than stale', () => {
    assert.equal(liveness({ sessionStatus: 'reconnecting', customerAway: false, heardAt: [now - 1000], now }).status, 'reconnecting');
    assert.equal(liveness({ sessionStatus: 'joined', customerAway: true, heardAt: [now - 60_000], now }).status, 'customer-away');
  });

  it('words the silence', () => {
    assert.equal(lastUpdateText(12_400), 'Last update 12 s ago');
    assert.equal(lastUpdateText(185_000), 'Last update 3 min ago');
  });
});
