import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AgentDeskApi, ConnectionState, MirrorWindow, SessionState } from '../common/api.js';
import { formatSessionCode } from './connection-view.js';
import { secondsLeft } from './countdown.js';
import { errorText } from './error-text.js';
import { formatLag } from './lag.js';
import { lastUpdateText, liveness, type Liveness } from './liveness.js';
import { ConfirmSignOut } from './confirm-sign-out.js';
import { ControlPicker } from './control-picker.js';
import { VIEW_MODES, type ViewMode } from './mirror-geometry.js';
import type { MirrorStatus } from './mirror-player.js';
import { MirrorView, type MirrorHandle } from './mirror-view.js';
import type { PageStream } from './page-stream.js';
import { alertWords, announce, controlAlert, setSoundEnabled, soundEnabled, windowTitle, type SessionAlert } from './session-alerts.js';
import { formatDuration } from './session-summary.js';
import { Toasts, useToasts } from './toasts.js';
import { useNow } from './use-app-state.js';
import { describeControl } from './write-mode.js';
import './live.css';

type Live = Extract<SessionState, { status: 'joined' | 'reconnecting' }>;

const VIEW_MODE_KEY = 'agentdesk.viewMode';

function savedViewMode(): ViewMode {
  try {
    const saved = localStorage.getItem(VIEW_MODE_KEY);
    return VIEW_MODES.some((m) => m.mode === saved) ? (saved as ViewMode) : 'fit-width';
  } catch {
    return 'fit-width';
  }
}

const DOT: Readonly<Record<Liveness['status'], { tone: string; text: string }>> = {
  live: { tone: 'ok', text: 'Live' },
  stale: { tone: 'warning', text: 'No updates' },
  reconnecting: { tone: 'warning', text: 'Reconnecting' },
  'customer-away': { tone: 'warning', text: 'Customer away' },
};

export interface LiveSessionProps {
  readonly api: AgentDeskApi;
  /** Which window this is: the main window (the whole bar), or the pop-out (the mirror and the bar's
   * mirror actions, with Bring back instead of Leave and the menu). */
  readonly place: 'main' | 'pop-out';
  /** Where the mirror is (AppState.mirrorWindow): the main window shows it only while it is `main`. */
  readonly mirrorWindow: MirrorWindow;
  readonly session: Live;
  readonly connection: ConnectionState;
  readonly stream: PageStream;
  /** The main window's menu only. */
  readonly onOpenSettings?: () => void;
  readonly onSignOut?: () => void;
}

/** The session while it is live: one compact bar, and the customer's page filling the rest. */
export function LiveSessionView({ api, place, mirrorWindow, session, connection, stream, onOpenSettings, onSignOut }: LiveSessionProps) {
  const [mirrorStatus, setMirror] = useState<MirrorStatus | null>(null);
  // The main window while the mirror is in the pop-out: the bar works, the mirror is elsewhere.
  const elsewhere = place === 'main' && mirrorWindow === 'pop-out';
  const mirror = elsewhere ? null : mirrorStatus;
  const [mode, setMode] = useState<ViewMode>(savedViewMode);
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<SessionAlert | null>(null);
  const [mirrorKey, setMirrorKey] = useState(0);
  const [sound, setSound] = useState(soundEnabled);
  const [confirmSignOut, setConfirmSignOut] = useState(false);
  const [pen, setPen] = useState(false);
  const [mountedAt] = useState(() => Date.now());
  const handle = useRef<MirrorHandle>(null);
  const rootRef = useRef<HTMLElement>(null);
  const { toasts, show } = useToasts();
  const now = useNow(true);
  const control = describeControl(session.control);
  const code = formatSessionCode(session.code);

  // Focus lands on the mirror after Join, when the view comes back, and when the customer approves control.
  const bringBackRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (elsewhere) bringBackRef.current?.focus();
    else handle.current?.focus();
  }, [elsewhere]);
  const previousControl = useRef(session.control);
  useEffect(() => {
    const raised = controlAlert(previousControl.current, session.control);
    previousControl.current = session.control;
    if (!raised) return;
    setAlert(raised);
    if (place === 'main') announce(raised);
    show({ tone: raised === 'approved' ? 'ok' : 'warning', text: raised === 'approved' ? 'Control approved: you can click and type on the customer’s page. Esc gives it back.' : alertWords(raised) });
    if (raised === 'approved') handle.current?.focus();
  }, [session.control, show, place]);
  const away = session.customer.status === 'away';
  const previousAway = useRef(away);
  useEffect(() => {
    if (previousAway.current === away) return;
    previousAway.current = away;
    const raised: SessionAlert = away ? 'customer-away' : 'customer-back';
    setAlert(raised);
    if (place === 'main') announce(raised);
  }, [away, place]);

  // A refusal from the customer's page: an overlay message, never a box that moves the mirror.
  const refusalAt = session.lastRefusal?.at;
  useEffect(() => {
    // Shown where the mirror is, which is where the refused action came from.
    if (session.lastRefusal && !elsewhere) show({ tone: 'error', text: errorText(session.lastRefusal.error), kind: 'action-problem' });
    // Only a new refusal (its time) raises a message.
  }, [refusalAt]);

  useEffect(() => {
    document.title = place === 'pop-out' ? `Customer’s page · ${windowTitle(code, alert)}` : windowTitle(code, alert);
    return () => {
      document.title = windowTitle(null, null);
    };
  }, [code, alert, place]);

  const state = liveness({
    sessionStatus: session.status,
    customerAway: away,
    heardAt: [mountedAt, session.joinedAt, session.timing?.measuredAt, mirror?.lastFrameAt],
    now,
  });
  const dot = DOT[state.status];
  const veil = veilFor(state, session, connection, now);

  async function changeControl(): Promise<void> {
    setBusy(true);
    const result = control.action === 'request' ? await api.requestControl() : await api.releaseControl();
    setBusy(false);
    if (!result.ok) show({ tone: 'error', text: errorText(result.error), kind: 'action-problem' });
  }

  function chooseMode(next: ViewMode): void {
    setMode(next);
    try {
      localStorage.setItem(VIEW_MODE_KEY, next);
    } catch {
      // Not kept across reloads; the choice still applies now.
    }
  }

  async function copy(text: string, what: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      show({ tone: 'ok', text: `${what} copied.` });
    } catch {
      show({ tone: 'error', text: `${what} could not be copied: ${text}` });
    }
  }

  function toggleFullScreen(): void {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    else void rootRef.current?.requestFullscreen().catch(() => show({ tone: 'error', text: 'Full screen is not available here.' }));
  }

  function onKeyDown(event: KeyboardEvent<HTMLElement>): void {
    if (event.key === 'Escape' && session.control === 'granted' && !event.defaultPrevented) {
      event.preventDefault();
      void api.releaseControl();
      show({ tone: 'neutral', text: 'You gave control back to the customer.' });
    }
  }

  const popOut = () => void api.popOutView().then((r) => (r.ok ? undefined : show({ tone: 'error', text: errorText(r.error) })));
  const bringBack = () => void api.bringBackView().then((r) => (r.ok ? undefined : show({ tone: 'error', text: errorText(r.error) })));
  const leave = () => void api.leave().then((r) => (r.ok ? undefined : show({ tone: 'error', text: errorText(r.error) })));
  const elapsed = formatDuration(now - session.joinedAt);

  return (
    <section ref={rootRef} className="workspace" aria-labelledby="live-title" onKeyDown={onKeyDown}>
      <header className="session-bar">
        <span className={`status-dot tone-${dot.tone}`} data-testid="live-status" title={dot.text}>
          <span className="dot" aria-hidden="true" />
          <span className="status-text">{dot.text}</span>
        </span>
        <h1 id="live-title" className="bar-code">
          <span className="visually-hidden">In session </span>
          <button type="button" className="link-button mono" title="Copy the session code" aria-label={`Session ${code}: copy the code`} onClick={() => void copy(session.code, 'Session code')}>
            {code}
          </button>
        </h1>
        <p className="bar-page" data-testid="customer-page" title={session.page ? `${session.page.title}\n${session.page.url}` : undefined}>
          {session.page ? (
            <>
              <span className="bar-page-title">{session.page.title || 'Untitled page'}</span> <span className="bar-page-url mono">{session.page.url}</span>
            </>
          ) : (
            <span className="bar-page-url">{session.customerOrigin ?? 'The customer’s page has not said where it is yet.'}</span>
          )}
        </p>
        <p className={`control-state tone-${control.tone}${session.control === 'none' ? ' quiet' : ''}`} data-testid="control-state" role="status" title={control.text}>
          {control.short}
        </p>
        {control.action !== null && (
          <button type="button" className={`small ${control.action === 'request' ? 'primary' : 'secondary'}`} disabled={busy || session.status !== 'joined'} onClick={() => void changeControl()}>
            {control.action === 'request' ? 'Request control' : control.action === 'cancel' ? 'Cancel request' : 'Release control'}
          </button>
        )}
        <span className="bar-facts">
          <span className="timer" role="timer" aria-label={`Session time ${elapsed}`}>
            {elapsed}
          </span>
          {!elsewhere && (
            <>
              <span className="fact" title="Customer-to-agent delay">
                Lag <span data-testid="lag">{state.status === 'live' ? formatLag(mirror?.lagMs ?? null) : 'unknown'}</span>
              </span>
              <span className="fact fact-wide" title="The customer’s window, and where they are scrolled to">
                <span data-testid="viewport">{mirror?.viewport ? `${mirror.viewport.width} × ${mirror.viewport.height}` : '–'}</span> at{' '}
                <span data-testid="scroll">{mirror?.scroll ? `${mirror.scroll.x}, ${mirror.scroll.y}` : '–'}</span>
              </span>
            </>
          )}
        </span>
        {!elsewhere && (
          <>
            <label className="view-choice">
              <span className="visually-hidden">View</span>
              <select value={mode} onChange={(e) => chooseMode(e.currentTarget.value as ViewMode)} aria-label="View">
                {VIEW_MODES.map((m) => (
                  <option key={m.mode} value={m.mode}>
                    {m.label}
                  </option>
                ))}
              </select>
            </label>
            <ControlPicker
              granted={session.control === 'granted'}
              list={() => handle.current?.controls() ?? []}
              onUse={(target, operate) => handle.current?.use(target, operate)}
            />
            <button
              type="button"
              className={`small ${pen ? 'primary' : 'secondary'}`}
              aria-pressed={pen}
              title="Draw on the customer’s page: the customer sees your strokes for a few seconds"
              onClick={() => setPen((on) => !on)}
            >
              Pen
            </button>
            <button type="button" className="small secondary icon-button" onClick={toggleFullScreen} aria-label="Full screen" title="Full screen">
              <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
                <path d="M1 5V1h4M9 1h4v4M13 9v4H9M5 13H1V9" fill="none" stroke="currentColor" strokeWidth="1.8" />
              </svg>
            </button>
          </>
        )}
        {place === 'main' && !elsewhere && (
          <button type="button" className="small secondary icon-button" onClick={popOut} aria-label="Pop out" title="Show the view in its own window (for example on a second screen)">
            <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
              <path d="M8 1h5v5M13 1 6.5 7.5M11 9v4H1V3h4" fill="none" stroke="currentColor" strokeWidth="1.8" />
            </svg>
          </button>
        )}
        <details className="menu">
          <summary className="small-summary">More</summary>
          <div className="menu-items">
            <button type="button" className="small secondary" onClick={() => void copy(session.sessionId, 'Session ID')}>
              Copy session ID
            </button>
            <button
              type="button"
              className="small secondary"
              onClick={() => {
                // A fresh snapshot from the customer's page; the view is rebuilt from it.
                void api.refreshView().then((r) => show(r.ok ? { tone: 'neutral', text: 'Asked the customer’s page for a fresh view.' } : { tone: 'error', text: errorText(r.error) }));
                setMirrorKey((k) => k + 1);
              }}
            >
              Refresh view
            </button>
            {place === 'main' && (
              <>
                <label className="menu-check">
                  <input
                    type="checkbox"
                    checked={sound}
                    onChange={(e) => {
                      setSound(e.currentTarget.checked);
                      setSoundEnabled(e.currentTarget.checked);
                    }}
                  />{' '}
                  Sound on approve, decline, leave
                </label>
                <button type="button" className="small secondary" onClick={onOpenSettings}>
                  Settings
                </button>
                <button type="button" className="small secondary" onClick={() => setConfirmSignOut(true)}>
                  Sign out…
                </button>
              </>
            )}
          </div>
        </details>
        {place === 'pop-out' ? (
          <button type="button" className="small primary" onClick={bringBack}>
            Bring back
          </button>
        ) : (
          <button type="button" className="small danger" onClick={leave} aria-label="Leave session">
            Leave
          </button>
        )}
      </header>

      <div className="workspace-body">
        {elsewhere ? (
          <section className="popped-out" aria-labelledby="popped-out-title" data-testid="popped-out">
            <h2 id="popped-out-title">The view is in its own window</h2>
            <p>The customer’s page is shown in a separate AgentDesk window. The session goes on, and this bar still works.</p>
            <button ref={bringBackRef} type="button" className="primary" onClick={bringBack}>
              Bring it back
            </button>
          </section>
        ) : (
          <MirrorView
            key={mirrorKey}
            api={api}
            session={session}
            stream={stream}
            mode={mode}
            veil={
              veil && {
                ...veil,
                action: veil.retry ? (
                  <button type="button" className="small" onClick={() => void api.retry()}>
                    Retry now
                  </button>
                ) : undefined,
              }
            }
            toast={show}
            pen={pen}
            onStatus={setMirror}
            handleRef={handle}
          />
        )}
        {mirror?.holding && (
          <button type="button" className="follow-button primary small" onClick={() => handle.current?.follow()}>
            Show what the customer sees
          </button>
        )}
        <Toasts toasts={toasts} />
      </div>
      {confirmSignOut && (
        <ConfirmSignOut
          onCancel={() => setConfirmSignOut(false)}
          onConfirm={() => {
            setConfirmSignOut(false);
            onSignOut?.();
          }}
        />
      )}
    </section>
  );
}

interface Veil {
  readonly title: string;
  readonly detail: string;
  readonly retry: boolean;
}

function veilFor(state: Liveness, session: Live, connection: ConnectionState, now: number): Veil | null {
  switch (state.status) {
    case 'live':
      return null;
    case 'stale':
      return { title: 'No updates from the customer’s page', detail: `${lastUpdateText(state.silentForMs)}. The link to the server is stalled; AgentDesk keeps trying.`, retry: false };
    case 'reconnecting': {
      const next = connection.status === 'reconnecting' ? secondsLeft(connection.nextTryAt, now) : 0;
      const ends = session.status === 'reconnecting' ? secondsLeft(session.graceEndsAt, now) : 0;
      return {
        title: 'Connection lost: resuming the session',
        detail: `${lastUpdateText(state.silentForMs)}. ${next > 0 ? `Next try in ${next} s.` : 'Trying now.'} The session ends in ${ends} s if the connection does not come back.`,
        retry: next > 0,
      };
    }
    case 'customer-away': {
      const ends = session.customer.status === 'away' ? secondsLeft(session.customer.graceEndsAt, now) : 0;
      return { title: 'The customer’s page is disconnected', detail: `The page may be reloading or their network dropped. The session ends in ${ends} s unless it comes back.`, retry: false };
    }
    default: {
      const never: never = state;
      return never;
    }
  }
}
