import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkSender, type SenderEvent, type TrustedWindow } from '../../../src/electron/sender-check.js';

const window: TrustedWindow = { webContentsId: 7, mainFrame: { frameToken: 'main-token', processId: 3 } };
const mainFrame = { url: 'app://agentdesk/index.html', parent: null, frameToken: 'main-token', processId: 3 };

function event(overrides: Partial<SenderEvent['senderFrame'] & object> | null, senderId = 7): SenderEvent {
  return { sender: { id: senderId }, senderFrame: overrides === null ? null : { ...mainFrame, ...overrides } };
}

describe('checkSender', () => {
  it('trusts the main frame of our window on app://agentdesk', () => {
    assert.deepEqual(checkSender(event({}), window), { trusted: true });
  });

  it('refuses when there is no window or the frame is gone', () => {
    assert.deepEqual(checkSender(event({}), null), { trusted: false, reason: 'no window' });
    assert.deepEqual(checkSender(event(null), window), { trusted: false, reason: 'frame gone' });
  });

  it('refuses another window, a sub-frame and a different frame of the same page', () => {
    assert.deepEqual(checkSender(event({}, 8), window), { trusted: false, reason: 'other window' });
    assert.deepEqual(checkSender(event({ parent: mainFrame as never }), window), { trusted: false, reason: 'sub-frame' });
    assert.deepEqual(checkSender(event({ frameToken: 'other' }), window), { trusted: false, reason: 'not the main frame' });
    assert.deepEqual(checkSender(event({ processId: 4 }), window), { trusted: false, reason: 'not the main frame' });
  });

  it('refuses our main frame once it shows anything but the renderer bundle', () => {
    for (const url of ['https://evil.example.com/', 'app://evil/index.html', 'file:///index.html', 'about:blank', 'app://x@agentdesk/']) {
      assert.deepEqual(checkSender(event({ url }), window), { trusted: false, reason: 'other origin' }, url);
    }
  });
});
