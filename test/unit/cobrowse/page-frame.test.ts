import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { decodePageFrame, pageFramePayload } from '../../../src/cobrowse/page-frame.js';

function frame(kind: number, text: string): Buffer {
  return Buffer.concat([Buffer.from([kind]), Buffer.from(text, 'utf8')]);
}

describe('page frame decoding (main process)', () => {
  it('a snapshot frame becomes {kind: snapshot, json} with the receive time', () => {
    const json = '[{"type":4,"data":{"href":"https://shop.example/","width":1280,"height":720},"timestamp":1}]';
    assert.deepEqual(decodePageFrame(frame(1, json), 1234), { kind: 'snapshot', json, receivedAt: 1234 });
  });

  it('an incremental frame keeps non-ASCII text intact', () => {
    const json = '[{"type":3,"data":{"source":0,"texts":[{"id":9,"value":"Zürich — 東京 ✓"}]},"timestamp":2}]';
    assert.deepEqual(decodePageFrame(frame(2, json), 1), { kind: 'incremental', json, receivedAt: 1 });
  });

  it('does not parse the payload: text that is not JSON passes through as text', () => {
    assert.equal(decodePageFrame(frame(2, 'not json'), 1)?.json, 'not json');
  });

  it('inflates a frame whose kind byte has bit 7 set (compressed in the page with deflate-raw)', () => {
    const json = JSON.stringify([{ type: 2, data: { node: { id: 1, childNodes: Array.from({ length: 500 }, (_, i) => ({ id: i + 2, textContent: 'Zürich ✓ ' })) } }, timestamp: 3 }]);
    const deflated = Buffer.concat([Buffer.from([0x81]), deflateRawSync(Buffer.from(json, 'utf8'))]);
    assert.ok(deflated.length < json.length / 5, 'the test frame is really compressed');
    assert.deepEqual(decodePageFrame(deflated, 5), { kind: 'snapshot', json, receivedAt: 5 });
    const small = Buffer.concat([Buffer.from([0x82]), deflateRawSync(Buffer.from('[]'))]);
    assert.equal(decodePageFrame(small, 5)?.kind, 'incremental');
  });

  it('drops a compressed frame that does not inflate, or inflates past the limit (a compression bomb)', () => {
    assert.equal(decodePageFrame(Buffer.from([0x81, 1, 2, 3, 4, 5]), 1), null);
    const bomb = Buffer.concat([Buffer.from([0x82]), deflateRawSync(Buffer.alloc(2 * 1024 * 1024, 0x20))]);
    assert.ok(bomb.length < 4096);
    assert.equal(pageFramePayload(bomb, 1024 * 1024), null);
    assert.equal(pageFramePayload(bomb, 4 * 1024 * 1024)?.length, 2 * 1024 * 1024);
  });

  it('drops an unknown kind, and a frame with no payload', () => {
    assert.equal(decodePageFrame(frame(3, '[]'), 1), null);
    assert.equal(decodePageFrame(frame(0, '[]'), 1), null);
    assert.equal(decodePageFrame(frame(0x83, '[]'), 1), null);
    assert.equal(decodePageFrame(Buffer.from([1]), 1), null);
    assert.equal(decodePageFrame(Buffer.alloc(0), 1), null);
  });
});
