import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PageFrame } from '../../../common/api.js';
import { createReplayBuffer } from '../../../common/replay-buffer.js';

const frame = (kind: PageFrame['kind'], json: string): PageFrame => ({ kind, json, receivedAt: 0 });

describe('page frames kept for a renderer that connects mid-session', () => {
  it('keeps the latest snapshot and the batches after it; batches without a snapshot are useless', () => {
    const log = createReplayBuffer();
    log.add(frame('incremental', 'orphan'));
    assert.deepEqual(log.frames(), []);
    log.add(frame('snapshot', 'page 1'));
    log.add(frame('incremental', 'a'));
    log.add(frame('snapshot', 'page 2'));
    log.add(frame('incremental', 'b'));
    assert.deepEqual(log.frames().map((f) => f.json), ['page 2', 'b']);
  });

  it('gives up past its size cap until the next snapshot, and forgets on clear', () => {
    const log = createReplayBuffer(8);
    log.add(frame('snapshot', '12345'));
    log.add(frame('incremental', '1234'));
    assert.deepEqual(log.frames(), []);
    log.add(frame('incremental', 'x'));
    assert.deepEqual(log.frames(), []);
    log.add(frame('snapshot', 'new'));
    assert.deepEqual(log.frames().map((f) => f.json), ['new']);
    log.clear();
    assert.deepEqual(log.frames(), []);
  });
});
