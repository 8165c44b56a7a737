import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ControlState } from '../../../../common/protocol.js';
import { allowsActions, nextControlState } from '../../../../server/sessions/control-state.js';

const STATES: ControlState[] = ['none', 'requested', 'granted', 'declined', 'revoked'];

describe('write-mode consent', () => {
  it('only a customer answer to a request grants control; actions are allowed only while granted', () => {
    for (const from of STATES) {
      const grant = nextControlState(from, { by: 'customer', kind: 'granted' });
      if (from === 'requested') assert.deepEqual(grant, { ok: true, next: 'granted' });
      else assert.deepEqual(grant, { ok: false, code: 'CONTROL_NOT_REQUESTED' }, `granting from ${from} is refused`);
      assert.equal(allowsActions(from), from === 'granted');
    }
  });

  it('the agent asks (again after a decline or a revocation) and releases; repeats change nothing', () => {
    assert.deepEqual(nextControlState('none', { by: 'agent', kind: 'request' }), { ok: true, next: 'requested' });
    assert.deepEqual(nextControlState('declined', { by: 'agent', kind: 'request' }), { ok: true, next: 'requested' });
    assert.deepEqual(nextControlState('revoked', { by: 'agent', kind: 'request' }), { ok: true, next: 'requested' });
    assert.deepEqual(nextControlState('granted', { by: 'agent', kind: 'request' }), { ok: true, next: null });
    assert.deepEqual(nextControlState('granted', { by: 'agent', kind: 'release' }), { ok: true, next: 'none' });
    assert.deepEqual(nextControlState('none', { by: 'agent', kind: 'release' }), { ok: true, next: null });
  });

  it('the customer may revoke at any moment while control is asked for or held', () => {
    assert.deepEqual(nextControlState('granted', { by: 'customer', kind: 'revoked' }), { ok: true, next: 'revoked' });
    assert.deepEqual(nextControlState('requested', { by: 'customer', kind: 'revoked' }), { ok: true, next: 'revoked' });
    assert.deepEqual(nextControlState('none', { by: 'customer', kind: 'revoked' }), { ok: true, next: null });
    assert.deepEqual(nextControlState('requested', { by: 'customer', kind: 'declined' }), { ok: true, next: 'declined' });
  });
});
