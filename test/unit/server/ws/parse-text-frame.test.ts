import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentToServerSchema } from '../../../../common/protocol.js';
import { parseTextFrame } from '../../../../server/ws/parse-text-frame.js';

describe('parseTextFrame', () => {
  it('returns the typed message for valid JSON of a known type', () => {
    assert.deepEqual(parseTextFrame(Buffer.from('{"type":"join","code":"123456789"}'), agentToServerSchema), { type: 'join', code: '123456789' });
  });

  it('returns null for invalid JSON, unknown types, wrong fields and extra fields', () => {
    for (const text of ['{', 'null', '"join"', '{"type":"fly"}', '{"type":"join","code":"12"}', '{"type":"leave","x":1}']) {
      assert.equal(parseTextFrame(Buffer.from(text), agentToServerSchema), null, text);
    }
  });
});
