import { useEffect, useRef, useState } from 'react';
import type { AgentDeskApi, UiError } from '../common/api.js';
import { errorText } from './error-text.js';
import { Header, type View } from './header.js';
import { Notice } from './notice.js';
import { SessionScreen } from './session-screen.js';
import { loadSummary, saveSummary, summarize, type SessionSummary } from './session-summary.js';
import { SettingsScreen } from './settings-screen.js';
import { SignInScreen } from './sign-in-screen.js';
import { SignOutNotice } from './sign-out-notice.js';
import { getBridge, useAppState } from './use-app-state.js';

export function App() {
  const api = getBridge();
  if (!api) {
    return (
      <main className="main">
        <Notice tone="error" title="AgentDesk cannot start here">
          <p>This page must be opened by the AgentDesk app. Start AgentDesk and use the window it opens.</p>
        </Notice>
      </main>
    );
  }
  return <Desk api={api} />;
}

function Desk({ api }: { readonly api: AgentDeskApi }) {
  const { state, loadError } = useAppState(api);
  const [view, setView] = useState<View>('home');
  const [signOutError, setSignOutError] = useState<UiError | null>(null);
  const [signingOut, setSigningOut] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  // Kept here, above both layouts: the live layout and the join screen are different trees, so a
  // summary kept in the session screen would be lost the moment the session ends. sessionStorage
  // keeps it across a reload of the window mid-session.
  const [summary, setSummary] = useState<SessionSummary | null>(() => loadSummary(summaryStorage()));
  const session = state?.session;
  useEffect(() => {
    if (session) setSummary((current) => summarize(current, session));
  }, [session]);
  useEffect(() => saveSummary(summaryStorage(), summary), [summary]);

  // Move focus to the new screen's content so keyboard and screen-reader users land on it.
  useEffect(() => {
    mainRef.current?.focus();
  }, [view, state?.signIn.status]);

  if (!state) {
    return (
      <main className="main" ref={mainRef} tabIndex={-1}>
        {loadError ? <Notice tone="error">{errorText(loadError)}</Notice> : <p className="loading">Loading…</p>}
      </main>
    );
  }

  async function signOut(): Promise<void> {
    setSigningOut(true);
    // Mid-session (the agent confirmed in the session bar): end the session first, so the
    // customer is told the agent ended it rather than that the agent's connection dropped.
    const session = state?.session.status;
    if (session === 'joined' || session === 'reconnecting') await api.leave();
    const result = await api.signOut();
    setSigningOut(false);
    setSignOutError(result.ok ? null : result.error);
  }

  const live = view === 'home' && state.signIn.status === 'signed-in' && (state.session.status === 'joined' || state.session.status === 'reconnecting');
  if (live) {
    // The session is the whole window: one compact bar and the customer's page.
    return (
      <div className="app app-live">
        <main id="main" className="main-live" ref={mainRef} tabIndex={-1}>
          <SessionScreen api={api} connection={state.connection} session={state.session} mirrorWindow={state.mirrorWindow} summary={summary} onOpenSettings={() => setView('settings')} onSignOut={() => void signOut()} />
        </main>
      </div>
    );
  }

  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <Header
        signIn={state.signIn}
        view={view}
        onNavigate={setView}
        onSignOut={() => {
          // From Settings during a session: the same question the session bar asks.
          const inSession = state.session.status === 'joined' || state.session.status === 'reconnecting';
          if (inSession && !window.confirm('End the session and sign out?')) return;
          void signOut();
        }}
        busy={signingOut}
      />
      <main id="main" className="main" ref={mainRef} tabIndex={-1}>
        {signOutError && <Notice tone="error">{errorText(signOutError)}</Notice>}
        {state.notices.map((notice) => (
          <Notice key={notice.code} tone="warning">
            {errorText(notice)}
          </Notice>
        ))}
        {view === 'settings' ? (
          <SettingsScreen api={api} agentTokenSet={state.settings.agentTokenSet} />
        ) : state.signIn.status === 'signed-in' ? (
          <SessionScreen api={api} connection={state.connection} session={state.session} mirrorWindow={state.mirrorWindow} summary={summary} onOpenSettings={() => setView('settings')} onSignOut={() => void signOut()} />
        ) : (
          <>
            {state.signIn.status === 'signed-out' && state.signIn.signOut && <SignOutNotice api={api} summary={state.signIn.signOut} />}
            <SignInScreen api={api} signIn={state.signIn} providers={state.settings.providers} onOpenSettings={() => setView('settings')} />
          </>
        )}
      </main>
    </div>
  );
}

function summaryStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
