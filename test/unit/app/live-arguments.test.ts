import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseApiArguments } from '../../../common/api.js';

describe('live co-browse operations: arguments parsed at the edge', () => {
  it('pointAt takes one whole, non-negative node id', () => {
    assert.deepEqual(parseApiArguments('pointAt', [42]), { ok: true, args: [42] });
    for (const bad of [[-1], [1.5], ['42'], [2 ** 31 + 1], [], [1, 2]]) {
      const parsed = parseApiArguments('pointAt', bad);
      assert.equal(parsed.ok, false, JSON.stringify(bad));
      assert.equal(!parsed.ok && parsed.error.code, 'API_ARGUMENT_INVALID');
    }
    const negative = parseApiArguments('pointAt', [-1]);
    assert.equal(!negative.ok && negative.error.message, 'pointAt: argument 1: a node ID is not negative');
  });

  it('sendAction takes a click or an input with the whole value, nothing else', () => {
    assert.deepEqual(parseApiArguments('sendAction', [{ kind: 'click', nodeId: 7 }]), { ok: true, args: [{ kind: 'click', nodeId: 7 }] });
    assert.deepEqual(parseApiArguments('sendAction', [{ kind: 'input', nodeId: 7, value: 'Ada' }]), { ok: true, args: [{ kind: 'input', nodeId: 7, value: 'Ada' }] });
    for (const bad of [
      [{ kind: 'submit', nodeId: 7 }],
      [{ kind: 'click', nodeId: 7, extra: true }],
      [{ kind: 'input', nodeId: 7 }],
      [{ kind: 'input', nodeId: 7, value: 'x'.repeat(10_001) }],
      [{ kind: 'click' }],
      ['click'],
    ]) {
      assert.equal(parseApiArguments('sendAction', bad).ok, false, JSON.stringify(bad).slice(0, 80));
    }
  });

  it('requestControl and releaseControl take no argument', () => {
    assert.deepEqual(parseApiArguments('requestControl', []), { ok: true, args: [] });
    const extra = parseApiArguments('releaseControl', [true]);
    assert.equal(!extra.ok && extra.error.message, 'releaseControl: takes 0 arguments');
  });
});
