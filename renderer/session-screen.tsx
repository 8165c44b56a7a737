import { useEffect, useId, useState } from 'react';
import type { AgentDeskApi, ConnectionState, MirrorWindow, SessionState, UiError } from '../common/api.js';
import { ConnectionStatus } from './connection-status.js';
import { describeSessionEnd, formatSessionCode } from './connection-view.js';
import { errorText } from './error-text.js';
import { checkSessionCode } from './form-validation.js';
import { LiveSessionView } from './live-session.js';
import { Notice } from './notice.js';
import { pageStreamFor } from './page-stream.js';
import { askForNotifications } from './session-alerts.js';
import { describeSummary, type SessionSummary } from './session-summary.js';

export function SessionScreen(props: {
  readonly api: AgentDeskApi;
  readonly connection: ConnectionState;
  readonly session: SessionState;
  /** Whether the mirror is in this window or popped out into its own. */
  readonly mirrorWindow: MirrorWindow;
  /** The account of the latest session, kept by the app across the live and join layouts. */
  readonly summary: SessionSummary | null;
  readonly onOpenSettings: () => void;
  readonly onSignOut: () => void;
}) {
  const { session, summary } = props;
  // Subscribed while signed in, before any join, so no frame of a session is missed.
  const stream = pageStreamFor(props.api);
  const live = session.status === 'joined' || session.status === 'reconnecting';
  useEffect(() => {
    if (!live) stream.clear();
  }, [live, stream]);
  if (session.status === 'joined' || session.status === 'reconnecting') {
    return <LiveSessionView api={props.api} place="main" mirrorWindow={props.mirrorWindow} session={session} connection={props.connection} stream={stream} onOpenSettings={props.onOpenSettings} onSignOut={props.onSignOut} />;
  }
  return (
    <div className="stack">
      <ConnectionStatus api={props.api} connection={props.connection} />
      <JoinForm api={props.api} connection={props.connection} session={session} summary={session.status === 'ended' && summary?.sessionId === session.sessionId ? summary : null} />
    </div>
  );
}

function JoinForm(props: {
  readonly api: AgentDeskApi;
  readonly connection: ConnectionState;
  readonly session: Exclude<SessionState, { status: 'joined' | 'reconnecting' }>;
  readonly summary: SessionSummary | null;
}) {
  const { session } = props;
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const inputId = useId();
  const helpId = useId();
  const errorId = useId();
  const joining = session.status === 'joining';

  async function submit(): Promise<void> {
    const checked = checkSessionCode(code);
    if (!checked.ok) {
      setProblem(checked.message);
      return;
    }
    setProblem(null);
    askForNotifications();
    const result = await props.api.join(checked.value);
    if (!result.ok) setProblem(errorText(result.error));
  }

  const serverProblem: UiError | null = session.status === 'join-failed' ? session.error : null;
  return (
    <section className="panel" aria-labelledby="join-title">
      <h1 id="join-title">Join a session</h1>
      {session.status === 'ended' && (
        <Notice tone="neutral" title="Session ended">
          <p>{describeSessionEnd(session.reason)}</p>
          {props.summary && <p data-testid="session-summary">{describeSummary(props.summary)}</p>}
        </Notice>
      )}
      {serverProblem && !problem && (
        <Notice tone="error" title={`Could not join session ${formatSessionCode(session.status === 'join-failed' ? session.code : '')}`}>
          <p>{errorText(serverProblem)}</p>
        </Notice>
      )}
      <form
        className="join"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="field">
          <label htmlFor={inputId}>Session code</label>
          <input
            id={inputId}
            name="session-code"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            maxLength={15}
            placeholder="123 456 789"
            value={code}
            aria-invalid={problem !== null}
            aria-describedby={problem !== null ? `${helpId} ${errorId}` : helpId}
            onChange={(e) => setCode(e.currentTarget.value)}
          />
          <p id={helpId} className="hint">
            The 9-digit code the customer reads out to you.
          </p>
          {problem !== null && (
            <p id={errorId} className="field-error" role="alert">
              {problem}
            </p>
          )}
        </div>
        <button type="submit" className="primary" disabled={joining} aria-busy={joining}>
          {joining ? 'Joining…' : 'Join'}
        </button>
      </form>
    </section>
  );
}
