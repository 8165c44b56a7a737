import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatLag, frameLagMs } from '../../../renderer/lag.js';
import { retimeBatch } from '../../../renderer/live-timeline.js';

describe('customer-to-agent lag', () => {
  it('is receive time minus the oldest event time, moved onto the agent clock by the offset', () => {
    // Customer clock 5 s ahead: an event stamped 105_000 happened at agent time 100_000.
    assert.equal(frameLagMs([{ timestamp: 105_020 }, { timestamp: 105_000 }], 100_080, 5000), 80);
    // Customer clock 2 s behind.
    assert.equal(frameLagMs([{ timestamp: 98_000 }], 100_150, -2000), 150);
  });

  it('is unknown before the clocks are compared, or without events', () => {
    assert.equal(frameLagMs([{ timestamp: 1 }], 2, null), null);
    assert.equal(frameLagMs([], 2, 0), null);
  });

  it('never reports a negative delay (offset error is up to half a round trip)', () => {
    assert.equal(frameLagMs([{ timestamp: 1000 }], 995, 0), 0);
  });

  it('reads as ms under a second, seconds above', () => {
    assert.equal(formatLag(null), '–');
    assert.equal(formatLag(85), '85 ms');
    assert.equal(formatLag(1234), '1.2 s');
  });
});

describe('live re-timing of batches', () => {
  it('starts a batch at its arrival and keeps the spacing inside it', () => {
    const { events, last } = retimeBatch([{ timestamp: 9000, n: 1 }, { timestamp: 9040, n: 2 }], 500, 0);
    assert.deepEqual(events, [{ timestamp: 500, n: 1 }, { timestamp: 540, n: 2 }]);
    assert.equal(last, 540);
  });

  it('never goes back in time, so rrweb never reorders changes', () => {
    const first = retimeBatch([{ timestamp: 0 }, { timestamp: 300 }], 1000, 0);
    const second = retimeBatch([{ timestamp: 310 }, { timestamp: 320 }], 1100, first.last);
    assert.deepEqual(second.events.map((e) => e.timestamp), [1300, 1300]);
    assert.ok(second.last >= first.last);
  });

  it('leaves an empty batch alone', () => {
    assert.deepEqual(retimeBatch([], 5, 7), { events: [], last: 7 });
  });
});
