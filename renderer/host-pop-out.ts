// The pop-out window in the browser shell. Electron's main process opens and closes the pop-out
// BrowserWindow itself (src/electron/pop-out-window.ts); a browser host cannot open a window, so
// here the main tab opens the renderer's pop-out route with window.open (inside the agent's click,
// where pop-up blockers allow it) and watches it. Either way the renderer only calls
// `popOutView` / `bringBackView` and follows `AppState.mirrorWindow`; the pop-out page is a second
// client of the host, which sends it the session's state and page frames like any other.
import { POP_OUT_SEARCH, type AgentDeskApi, type ApiResult, type AppState } from '../common/api.js';
import { errorBody } from '../common/errors.js';
import { HOST_KEY_PARAM } from '../common/host-protocol.js';

/** The name of the pop-out window: pressing Pop out again reaches the same window. */
const POP_OUT_WINDOW_NAME = 'agentdesk-view';
/** How often the main tab looks whether the agent closed the pop-out (a browser tells an opener
 * nothing when its pop-up closes). A fifth of a second is quick to the eye and costs nothing. */
const CLOSED_POLL_MS = 200;
/** The pop-out's first size: the main window's default (src/electron/limits.ts). */
const POP_OUT_FEATURES = 'popup,width=1280,height=800';

const isLive = (state: AppState) => state.session.status === 'joined' || state.session.status === 'reconnecting';

/**
 * The main tab's bridge with the pop-out added: `popOutView` opens the pop-out route (the launch
 * key goes with it in the fragment, as in the link the host printed), `bringBackView` closes it,
 * and closing it by hand brings the view back. A main tab that finds the view popped out in a
 * window it does not hold (it was reloaded) takes the view back: it could not tell when that
 * window closes.
 */
export function withBrowserPopOut(api: AgentDeskApi, key: string | null, host: Window = window): AgentDeskApi {
  let popOut: Window | null = null;
  let watch: ReturnType<typeof setInterval> | null = null;
  let latest: AppState | null = null;
  // While the host has not answered popOutView, a state saying `main` is from before it.
  let requesting = false;

  const stopWatching = () => {
    if (watch !== null) clearInterval(watch);
    watch = null;
  };
  const forget = () => {
    stopWatching();
    popOut?.close();
    popOut = null;
  };
  const follow = (state: AppState) => {
    latest = state;
    const held = popOut !== null && !popOut.closed;
    if (state.mirrorWindow === 'pop-out' && !held) void api.bringBackView();
    if (state.mirrorWindow === 'main' && held && !requesting) forget();
  };
  api.onStateChange(follow);
  void api.getState().then((result) => {
    if (result.ok && latest === null) follow(result.value);
  });

  const popOutView = (): Promise<ApiResult> => {
    if (latest !== null && !isLive(latest)) return api.popOutView();
    if (popOut === null || popOut.closed) {
      const url = `${host.location.pathname}${POP_OUT_SEARCH}${key === null ? '' : `#${HOST_KEY_PARAM}=${encodeURIComponent(key)}`}`;
      popOut = host.open(url, POP_OUT_WINDOW_NAME, POP_OUT_FEATURES);
      if (popOut === null) return Promise.resolve({ ok: false, error: errorBody('POP_OUT_BLOCKED') });
      stopWatching();
      watch = setInterval(() => {
        if (popOut !== null && !popOut.closed) return;
        stopWatching();
        popOut = null;
        if (latest?.mirrorWindow === 'pop-out') void api.bringBackView();
      }, CLOSED_POLL_MS);
    } else {
      popOut.focus();
    }
    requesting = true;
    return api.popOutView().then((result) => {
      requesting = false;
      // E.g. the session ended meanwhile: the window just opened has nothing to show.
      if (!result.ok) forget();
      return result;
    });
  };

  const bringBackView = (): Promise<ApiResult> => {
    forget();
    return api.bringBackView();
  };

  return Object.freeze({ ...api, popOutView, bringBackView });
}

/** The pop-out tab's side: it closes itself when the main tab is gone (closed, or navigated away). */
export function watchOpener(host: Window = window): void {
  const timer = setInterval(() => {
    if (host.opener === null || (host.opener as Window).closed) {
      clearInterval(timer);
      host.close();
    }
  }, CLOSED_POLL_MS);
}
