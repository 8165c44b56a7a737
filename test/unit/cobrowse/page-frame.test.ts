import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodePageFrame } from '../../../src/cobrowse/page-frame.js';

function frame(kind: number, text: string): Buffer {
  return Buffer.concat([Buffer.from([kind]), Buffer.from(text, 'utf8')]);
}

describe('page frame decoding (main process)', () => {
  it('a snapshot frame becomes {kind: snapshot, json} with the receive time and clock offset', () => {
    const json = '[{"type":4,"data":{"href":"https://shop.example/","width":1280,"height":720},"timestamp":1}]';
    assert.deepEqual(decodePageFrame(frame(1, json), 1234, -50), { kind: 'snapshot', json, receivedAt: 1234, clockOffsetMs: -50 });
  });

  it('an incremental frame keeps non-ASCII text intact', () => {
    const json = '[{"type":3,"data":{"source":0,"texts":[{"id":9,"value":"Zürich — 東京 ✓"}]},"timestamp":2}]';
    assert.deepEqual(decodePageFrame(frame(2, json), 1, null), { kind: 'incremental', json, receivedAt: 1, clockOffsetMs: null });
  });

  it('does not parse the payload: text that is not JSON passes through as text', () => {
    assert.equal(decodePageFrame(frame(2, 'not json'), 1, null)?.json, 'not json');
  });

  it('drops an unknown kind, and a frame with no payload', () => {
    assert.equal(decodePageFrame(frame(3, '[]'), 1, null), null);
    assert.equal(decodePageFrame(frame(0, '[]'), 1, null), null);
    assert.equal(decodePageFrame(Buffer.from([1]), 1, null), null);
    assert.equal(decodePageFrame(Buffer.alloc(0), 1, null), null);
  });
});
