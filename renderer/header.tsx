import type { SignInState } from '../common/api.js';

export type View = 'home' | 'settings';

export function Header(props: {
  readonly signIn: SignInState;
  readonly view: View;
  readonly onNavigate: (view: View) => void;
  readonly onSignOut: () => void;
  readonly busy: boolean;
}) {
  const { signIn, view } = props;
  return (
    <header className="topbar">
      <div className="brand">
        <img src="./icon.svg" alt="" width="28" height="28" />
        <span>AgentDesk</span>
      </div>
      <nav aria-label="Main">
        <button type="button" className="tab" aria-current={view === 'home' ? 'page' : undefined} onClick={() => props.onNavigate('home')}>
          {signIn.status === 'signed-in' ? 'Session' : 'Sign in'}
        </button>
        <button type="button" className="tab" aria-current={view === 'settings' ? 'page' : undefined} onClick={() => props.onNavigate('settings')}>
          Settings
        </button>
      </nav>
      {signIn.status === 'signed-in' && (
        <div className="agent">
          <div className="agent-id">
            <span className="agent-name">{signIn.agent.name}</span>
            <span className="agent-email">{signIn.agent.email}</span>
          </div>
          <button type="button" className="secondary" onClick={props.onSignOut} disabled={props.busy}>
            Sign out
          </button>
        </div>
      )}
    </header>
  );
}
