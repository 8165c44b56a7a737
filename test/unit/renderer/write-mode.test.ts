import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clickIntent, describeControl } from '../../../renderer/write-mode.js';
import type { ControlState } from '../../../common/protocol.js';

const input = (type: string, disabled = false) => ({ tagName: 'INPUT', inputType: type, disabled });

describe('what a click on the mirror does', () => {
  it('only points unless write mode is granted', () => {
    for (const control of ['none', 'requested', 'declined', 'revoked'] as const) {
      assert.equal(clickIntent(control, input('text')), 'point', control);
      assert.equal(clickIntent(control, { tagName: 'BUTTON', inputType: '', disabled: false }), 'point', control);
    }
  });

  it('while granted: fields open an editor, other elements are clicked', () => {
    assert.equal(clickIntent('granted', input('text')), 'edit-text');
    assert.equal(clickIntent('granted', input('')), 'edit-text');
    assert.equal(clickIntent('granted', input('EMAIL')), 'edit-text');
    assert.equal(clickIntent('granted', { tagName: 'TEXTAREA', inputType: '', disabled: false }), 'edit-multiline');
    assert.equal(clickIntent('granted', { tagName: 'select', inputType: '', disabled: false }), 'edit-select');
    assert.equal(clickIntent('granted', input('checkbox')), 'click');
    assert.equal(clickIntent('granted', input('submit')), 'click');
    assert.equal(clickIntent('granted', { tagName: 'A', inputType: '', disabled: false }), 'click');
  });

  it('a disabled element, or nothing under the pointer, is only pointed at', () => {
    assert.equal(clickIntent('granted', input('text', true)), 'point');
    assert.equal(clickIntent('granted', null), 'point');
  });
});

describe('write mode in words', () => {
  it('offers the button that fits each state', () => {
    const actions = Object.fromEntries((['none', 'requested', 'granted', 'declined', 'revoked'] satisfies ControlState[]).map((c) => [c, describeControl(c).action]));
    assert.deepEqual(actions, { none: 'request', requested: 'cancel', granted: 'release', declined: 'request', revoked: 'request' });
    assert.match(describeControl('requested').text, /waiting for the customer/);
    assert.match(describeControl('revoked').text, /took control back/);
    assert.match(describeControl('declined').text, /declined/);
  });
});
