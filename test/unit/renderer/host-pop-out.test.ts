// The browser shell's pop-out window handling, with the bridge and the browser window faked: what
// it opens, a pop-up blocker, a stale state while the host has not answered, and closing by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentDeskApi, ApiResult, AppState, StateListener } from '../../../common/api.js';
import { withBrowserPopOut } from '../../../renderer/host-pop-out.js';
import { SIGNED_OUT_STATE } from '../../support/app-state.js';

const live = (mirrorWindow: AppState['mirrorWindow']) => ({ ...SIGNED_OUT_STATE, session: { status: 'joined' }, mirrorWindow }) as unknown as AppState;

function fakeBridge(initial: AppState) {
  const listeners = new Set<StateListener>();
  const calls: string[] = [];
  let answerPopOut: (result: ApiResult) => void = () => undefined;
  const api = {
    getState: async () => ({ ok: true, value: initial }),
    onStateChange: (listener: StateListener) => (listeners.add(listener), () => listeners.delete(listener)),
    popOutView: () => (calls.push('popOutView'), new Promise<ApiResult>((resolve) => (answerPopOut = resolve))),
    bringBackView: async () => (calls.push('bringBackView'), { ok: true, value: undefined }),
  } as unknown as AgentDeskApi;
  return { api, calls, push: (state: AppState) => listeners.forEach((l) => l(state)), answer: (result: ApiResult) => answerPopOut(result) };
}

function fakeWindow(blocked = false) {
  const opened: { url: string; name: string; closed: boolean; close(): void; focus(): void }[] = [];
  const host = {
    location: { pathname: '/' },
    open(url: string, name: string) {
      if (blocked) return null;
      const popup = { url, name, closed: false, close: () => void (popup.closed = true), focus: () => undefined };
      opened.push(popup);
      return popup;
    },
  } as unknown as Parameters<typeof withBrowserPopOut>[2];
  return { host, opened };
}

const tick = (ms = 0) => new Promise((done) => setTimeout(done, ms));

describe('withBrowserPopOut', () => {
  it('opens the app’s pop-out route with the launch key in the fragment, then asks the host', async () => {
    const bridge = fakeBridge(live('main'));
    const { host, opened } = fakeWindow();
    const api = withBrowserPopOut(bridge.api, 'k/ey', host);
    await tick();
    const pending = api.popOutView();
    assert.deepEqual(
      opened.map((w) => [w.url, w.name]),
      [['/?view=pop-out#key=k%2Fey', 'agentdesk-view']],
    );
    assert.deepEqual(bridge.calls, ['popOutView']);
    // A state from before the host took the request must not close the window just opened.
    bridge.push(live('main'));
    assert.equal(opened[0]!.closed, false);
    bridge.answer({ ok: true, value: undefined });
    assert.deepEqual(await pending, { ok: true, value: undefined });
    bridge.push(live('pop-out'));
    // Bring back closes it; the state saying main afterwards changes nothing more.
    await api.bringBackView();
    assert.equal(opened[0]!.closed, true);
    assert.deepEqual(bridge.calls, ['popOutView', 'bringBackView']);
  });

  it('says POP_OUT_BLOCKED when the browser refuses the window, and asks the host nothing', async () => {
    const bridge = fakeBridge(live('main'));
    const { host } = fakeWindow(true);
    const api = withBrowserPopOut(bridge.api, 'key', host);
    await tick();
    const result = await api.popOutView();
    assert.equal(result.ok ? 'ok' : result.error.code, 'POP_OUT_BLOCKED');
    assert.deepEqual(bridge.calls, []);
  });

  it('brings the view back when the agent closes the pop-out, and when it finds the view in a window it does not hold', async () => {
    const bridge = fakeBridge(live('main'));
    const { host, opened } = fakeWindow();
    const api = withBrowserPopOut(bridge.api, 'key', host);
    await tick();
    const pending = api.popOutView();
    bridge.answer({ ok: true, value: undefined });
    await pending;
    bridge.push(live('pop-out'));
    opened[0]!.closed = true; // the agent closed it
    await tick(450);
    assert.deepEqual(bridge.calls, ['popOutView', 'bringBackView']);

    // A reloaded main tab: the state says pop-out, but this tab opened no window.
    const reloaded = fakeBridge(live('pop-out'));
    withBrowserPopOut(reloaded.api, 'key', fakeWindow().host);
    await tick();
    assert.deepEqual(reloaded.calls, ['bringBackView']);
  });
});
