import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FIT_SCALE, mirrorGeometry, viewportOutline } from '../../../renderer/mirror-geometry.js';

const customer = { width: 1366, height: 768 };

describe('mirror geometry', () => {
  it('fit page shows the customer’s whole viewport inside the space', () => {
    const g = mirrorGeometry('fit-page', { width: 1024, height: 596 }, customer);
    assert.equal(g.frame.width, 1366);
    assert.equal(g.frame.height, 768);
    assert.ok(g.box.width <= 1024 + 1e-9 && g.box.height <= 596 + 1e-9);
    assert.ok(Math.abs(g.scale - 1024 / 1366) < 1e-9, 'width is the tighter side here');
  });

  it('fit width fills the width and makes the frame as tall as the space allows', () => {
    const g = mirrorGeometry('fit-width', { width: 1024, height: 596 }, customer);
    assert.ok(Math.abs(g.box.width - 1024) < 1e-9);
    assert.equal(g.frame.height, Math.floor(596 / (1024 / 1366)));
    assert.ok(g.box.height <= 596);
    // The floor: 16 px body text stays at least 10 px at the smallest supported window.
    assert.ok(16 * g.scale >= 10, `text ${16 * g.scale} px`);
  });

  it('100 % is one to one, with a frame as tall as the space', () => {
    const g = mirrorGeometry('actual', { width: 1024, height: 596 }, customer);
    assert.equal(g.scale, 1);
    assert.deepEqual(g.frame, { width: 1366, height: 596 });
  });

  it('never enlarges a small viewport past the cap', () => {
    const g = mirrorGeometry('fit-width', { width: 1920, height: 1040 }, { width: 390, height: 844 });
    assert.equal(g.scale, MAX_FIT_SCALE);
  });

  it('outlines the customer’s viewport where it lies on the drawn mirror', () => {
    const g = mirrorGeometry('fit-width', { width: 683, height: 400 }, customer);
    assert.equal(g.scale, 0.5);
    assert.deepEqual(viewportOutline(g, customer, { x: 0, y: 400 }, { x: 0, y: 0 }), { x: 0, y: 200, width: 683, height: 384 });
    const fit = mirrorGeometry('fit-page', { width: 683, height: 384 }, customer);
    assert.equal(viewportOutline(fit, customer, { x: 0, y: 400 }, { x: 0, y: 400 }), null, 'nothing to outline when the agent sees exactly the customer’s view');
  });
});
