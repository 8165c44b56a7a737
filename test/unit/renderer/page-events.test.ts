import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFrame, viewportAfter } from '../../../renderer/page-events.js';

const meta = { type: 4, data: { href: 'https://shop.example/', width: 1280, height: 720 }, timestamp: 1000 };
const full = { type: 2, data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { top: 0, left: 0 } }, timestamp: 1001 };

describe('page frame decoding (renderer)', () => {
  it('reads a snapshot that starts with Meta and FullSnapshot', () => {
    const parsed = parseFrame({ kind: 'snapshot', json: JSON.stringify([meta, full]) });
    assert.ok(parsed.ok);
    assert.equal(parsed.events.length, 2);
    assert.deepEqual(parsed.events[1], full, 'events pass through untouched');
  });

  it('refuses a snapshot without its Meta and FullSnapshot, or with them out of order', () => {
    assert.deepEqual(parseFrame({ kind: 'snapshot', json: JSON.stringify([full]) }), { ok: false, reason: 'a snapshot without Meta then FullSnapshot' });
    assert.equal(parseFrame({ kind: 'snapshot', json: JSON.stringify([full, meta]) }).ok, false);
  });

  it('refuses what is not an array of rrweb events', () => {
    assert.deepEqual(parseFrame({ kind: 'incremental', json: '{"type":3}' }), { ok: false, reason: 'not an array of events' });
    assert.deepEqual(parseFrame({ kind: 'incremental', json: '[{"type":3}]' }), { ok: false, reason: 'an element is not an rrweb event' });
    assert.deepEqual(parseFrame({ kind: 'incremental', json: '[{"type":"3","timestamp":1}]' }), { ok: false, reason: 'an element is not an rrweb event' });
    assert.deepEqual(parseFrame({ kind: 'incremental', json: '[null]' }), { ok: false, reason: 'an element is not an rrweb event' });
    assert.deepEqual(parseFrame({ kind: 'incremental', json: '[<script>' }), { ok: false, reason: 'not JSON' });
    assert.deepEqual(parseFrame({ kind: 'incremental', json: '[]' }), { ok: false, reason: 'an empty batch' });
  });

  it('follows the customer viewport through Meta and viewport-resize events', () => {
    assert.deepEqual(viewportAfter([meta, full], null), { width: 1280, height: 720 });
    const resize = { type: 3, data: { source: 4, width: 390, height: 844 }, timestamp: 2000 };
    const scroll = { type: 3, data: { source: 3, id: 1, x: 0, y: 400 }, timestamp: 2001 };
    assert.deepEqual(viewportAfter([resize, scroll], { width: 1280, height: 720 }), { width: 390, height: 844 });
    assert.deepEqual(viewportAfter([scroll], { width: 1, height: 2 }), { width: 1, height: 2 });
    assert.deepEqual(viewportAfter([{ type: 4, data: { width: 0, height: 'x' }, timestamp: 1 }], null), null, 'nonsense sizes are ignored');
  });
});
