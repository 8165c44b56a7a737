import { useEffect, useState } from 'react';
import type { AgentDeskApi, SessionState, UiError } from '../common/api.js';
import { formatSessionCode } from './connection-view.js';
import { secondsLeft } from './countdown.js';
import { errorText } from './error-text.js';
import type { MirrorStatus } from './mirror-player.js';
import { MirrorFacts, MirrorView } from './mirror-view.js';
import { Notice } from './notice.js';
import type { PageStream } from './page-stream.js';
import { useNow } from './use-app-state.js';
import { describeControl } from './write-mode.js';
import './live.css';

type Live = Extract<SessionState, { status: 'joined' | 'reconnecting' }>;

/** The session while it is live: the customer's page, who is there, write mode, lag. */
export function LiveSessionView({ api, session, stream }: { readonly api: AgentDeskApi; readonly session: Live; readonly stream: PageStream }) {
  const [callError, setCallError] = useState<UiError | null>(null);
  const [leaveError, setLeaveError] = useState<UiError | null>(null);
  const [mirror, setMirror] = useState<MirrorStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const away = session.customer.status === 'away';
  const now = useNow(away || session.status === 'reconnecting');
  const control = describeControl(session.control);

  // A refusal from the customer's page replaces an older local problem.
  useEffect(() => {
    if (session.lastRefusal) setCallError(null);
  }, [session.lastRefusal]);

  async function changeControl(): Promise<void> {
    setBusy(true);
    const result = control.action === 'request' ? await api.requestControl() : await api.releaseControl();
    setBusy(false);
    setCallError(result.ok ? null : result.error);
  }

  const problem = callError ?? session.lastRefusal?.error ?? null;
  return (
    <section className="panel live-session" aria-labelledby="live-title">
      <div className="live-head">
        <div className="live-title">
          <h1 id="live-title">In session {formatSessionCode(session.code)}</h1>
          <p className="live-page" data-testid="customer-page">
            {session.page ? (
              <>
                <span className="live-page-title">{session.page.title || 'Untitled page'}</span>{' '}
                <span className="mono">{session.page.url}</span>
              </>
            ) : (
              (session.customerOrigin ?? 'The customer’s page has not said where it is yet.')
            )}
          </p>
        </div>
        <button
          type="button"
          className="danger"
          onClick={() => {
            void api.leave().then((r) => setLeaveError(r.ok ? null : r.error));
          }}
        >
          Leave session
        </button>
      </div>

      {session.status === 'reconnecting' && (
        <Notice tone="warning" title="Connection lost: resuming the session">
          <p>AgentDesk is reconnecting and will pick up this session where it was. The session ends in {secondsLeft(session.graceEndsAt, now)} s if the connection does not come back.</p>
        </Notice>
      )}
      {away && session.customer.status === 'away' && (
        <Notice tone="warning" title="The customer’s page is disconnected">
          <p>The page may be reloading or their network dropped. The session ends in {secondsLeft(session.customer.graceEndsAt, now)} s unless it comes back.</p>
        </Notice>
      )}

      <div className="live-bar">
        <p className={`control-state tone-${control.tone}`} data-testid="control-state" role="status">
          {control.text}
        </p>
        {control.action !== null && (
          <button
            type="button"
            className={control.action === 'request' ? 'primary' : 'secondary'}
            disabled={busy || session.status !== 'joined'}
            onClick={() => void changeControl()}
          >
            {control.action === 'request' ? 'Request control' : control.action === 'cancel' ? 'Cancel request' : 'Release control'}
          </button>
        )}
        <MirrorFacts status={mirror} />
      </div>

      {problem && (
        <Notice tone="error" title="Not done on the customer’s page">
          <p data-testid="action-problem">{errorText(problem)}</p>
        </Notice>
      )}
      {leaveError && <Notice tone="error">{errorText(leaveError)}</Notice>}

      <MirrorView api={api} session={session} stream={stream} onCallError={setCallError} onStatus={setMirror} />
    </section>
  );
}
