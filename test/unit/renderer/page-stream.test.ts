import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PageFrame, PageFrameListener } from '../../../common/api.js';
import { createPageStream } from '../../../renderer/page-stream.js';

function source() {
  let push: PageFrameListener = () => undefined;
  return {
    onPageFrame(listener: PageFrameListener) {
      push = listener;
      return () => undefined;
    },
    push: (frame: PageFrame) => push(frame),
  };
}

const frame = (kind: PageFrame['kind'], json: string): PageFrame => ({ kind, json, receivedAt: 1 });

describe('renderer page stream', () => {
  it('a view that subscribes late gets the latest snapshot and the batches after it, then live frames', () => {
    const src = source();
    const stream = createPageStream(src);
    src.push(frame('incremental', 'before any snapshot'));
    src.push(frame('snapshot', 'old page'));
    src.push(frame('snapshot', 'page'));
    src.push(frame('incremental', 'a'));
    const seen: string[] = [];
    stream.subscribe((f) => seen.push(f.json));
    src.push(frame('incremental', 'b'));
    assert.deepEqual(seen, ['page', 'a', 'b']);
  });

  it('keeps nothing past its size cap, and nothing after clear()', () => {
    const src = source();
    const stream = createPageStream(src, 10);
    src.push(frame('snapshot', '123456'));
    src.push(frame('incremental', '12345'));
    const seen: string[] = [];
    const off = stream.subscribe((f) => seen.push(f.json));
    off();
    assert.deepEqual(seen, [], 'over the cap a late view waits for the next snapshot');
    src.push(frame('snapshot', 'new'));
    stream.clear();
    const afterClear: string[] = [];
    stream.subscribe((f) => afterClear.push(f.json));
    assert.deepEqual(afterClear, []);
  });
});
