import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mainWindowOptions, popOutWindowOptions } from '../../../src/electron/window-options.js';

describe('mainWindowOptions', () => {
  const options = mainWindowOptions('/app/dist/electron/preload.cjs');
  const prefs = options.webPreferences ?? {};

  it('isolates the page: context isolation, sandbox, no Node anywhere', () => {
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
  });

  it('keeps web security on and every risky feature off', () => {
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.experimentalFeatures, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.navigateOnDragDrop, false);
    assert.equal('enableBlinkFeatures' in prefs, false);
    assert.equal('additionalArguments' in prefs, false);
  });

  it('loads the given preload and nothing else', () => {
    assert.equal(prefs.preload, '/app/dist/electron/preload.cjs');
  });

  it('never gets smaller than 1024×640, and is hidden until ready to show', () => {
    assert.equal(options.minWidth, 1024);
    assert.equal(options.minHeight, 640);
    assert.ok((options.width ?? 0) >= 1024 && (options.height ?? 0) >= 640);
    assert.equal(options.show, false);
  });
});

describe('popOutWindowOptions', () => {
  const main = mainWindowOptions('/app/dist/electron/preload.cjs');
  const popOut = popOutWindowOptions('/app/dist/electron/preload.cjs');

  it('has exactly the main window’s web preferences: the same preload, isolation, sandbox and no Node', () => {
    assert.deepEqual(popOut.webPreferences, main.webPreferences);
    assert.equal(popOut.webPreferences?.sandbox, true);
    assert.equal(popOut.webPreferences?.contextIsolation, true);
    assert.equal(popOut.webPreferences?.nodeIntegration, false);
  });

  it('is its own top-level window (no parent, so it can go to another screen), hidden until ready to show', () => {
    assert.equal('parent' in popOut, false);
    assert.equal(popOut.show, false);
    assert.ok((popOut.minWidth ?? 0) > 0 && (popOut.minHeight ?? 0) > 0);
  });
});
