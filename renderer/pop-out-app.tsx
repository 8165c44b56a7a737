// The pop-out window: the live mirror in its own window (e.g. on a second screen), with the bar's
// mirror actions and "Bring back". It is the renderer bundle on its own route (POP_OUT_SEARCH),
// a second client of the same core: the same state and page frames reach it by the same road as
// the main window. It closes itself once the view has gone back, or the session is over.
import { useEffect, useRef } from 'react';
import type { AgentDeskApi, AppState } from '../common/api.js';
import { errorText } from './error-text.js';
import { LiveSessionView } from './live-session.js';
import { Notice } from './notice.js';
import { pageStreamFor } from './page-stream.js';
import { getBridge, useAppState } from './use-app-state.js';

export function PopOutApp() {
  const api = getBridge();
  if (!api) {
    return (
      <main className="main">
        <Notice tone="error" title="AgentDesk cannot start here">
          <p>This page must be opened by the AgentDesk app.</p>
        </Notice>
      </main>
    );
  }
  return <PopOut api={api} />;
}

/** True while this window is where the mirror belongs: a live session, popped out. */
function showsMirror(state: AppState): boolean {
  const live = state.session.status === 'joined' || state.session.status === 'reconnecting';
  return live && state.signIn.status === 'signed-in' && state.mirrorWindow === 'pop-out';
}

function PopOut({ api }: { readonly api: AgentDeskApi }) {
  const { state, loadError } = useAppState(api);
  const stream = pageStreamFor(api);
  const here = state !== null && showsMirror(state);
  // Closed only after it has shown the mirror: a state from before the pop-out was recorded must
  // not close the window that is just opening.
  const shown = useRef(false);
  useEffect(() => {
    if (here) shown.current = true;
    else if (shown.current) window.close();
  }, [here]);

  if (!state || !here || (state.session.status !== 'joined' && state.session.status !== 'reconnecting')) {
    return (
      <main className="main" tabIndex={-1}>
        {loadError ? (
          <Notice tone="error">{errorText(loadError)}</Notice>
        ) : !state ? (
          <p className="loading">Loading…</p>
        ) : (
          <Notice tone="neutral" title="The view is in the main window">
            <p>You can close this window.</p>
          </Notice>
        )}
      </main>
    );
  }
  return (
    <div className="app app-live">
      <main id="main" className="main-live" tabIndex={-1}>
        <LiveSessionView api={api} place="pop-out" mirrorWindow={state.mirrorWindow} session={state.session} connection={state.connection} stream={stream} />
      </main>
    </div>
  );
}
