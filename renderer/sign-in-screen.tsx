import { useId, useState } from 'react';
import type { AgentDeskApi, ProviderSummary, SignInState, UiError } from '../common/api.js';
import { formatCountdown, spokenCountdown } from './countdown.js';
import { errorText } from './error-text.js';
import { Notice } from './notice.js';
import { useNow } from './use-app-state.js';

export function SignInScreen(props: {
  readonly api: AgentDeskApi;
  readonly signIn: Exclude<SignInState, { status: 'signed-in' }>;
  readonly providers: readonly ProviderSummary[];
  readonly onOpenSettings: () => void;
}) {
  const { signIn } = props;
  return (
    <section className="panel narrow" aria-labelledby="sign-in-title">
      {signIn.status === 'waiting' ? (
        <Waiting api={props.api} providerLabel={signIn.providerLabel} deadline={signIn.deadline} />
      ) : (
        <Choose api={props.api} providers={props.providers} error={signIn.status === 'error' ? signIn.error : null} onOpenSettings={props.onOpenSettings} />
      )}
    </section>
  );
}

function Choose(props: { readonly api: AgentDeskApi; readonly providers: readonly ProviderSummary[]; readonly error: UiError | null; readonly onOpenSettings: () => void }) {
  const { providers } = props;
  const [chosen, setChosen] = useState(providers[0]?.id ?? '');
  const [failure, setFailure] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const groupName = useId();
  const selected = providers.find((p) => p.id === chosen) ?? providers[0];

  async function start(): Promise<void> {
    if (!selected) return;
    setBusy(true);
    setFailure(null);
    const result = await props.api.signIn(selected.id);
    setBusy(false);
    if (!result.ok) setFailure(result.error);
  }

  const shown = failure ?? props.error;
  return (
    <>
      <h1 id="sign-in-title">Sign in</h1>
      <p className="lead">Sign in with your company account. AgentDesk opens your web browser for this, so your password never reaches this app.</p>
      {shown && (
        <Notice tone="error" title="Sign-in did not finish">
          <p>{errorText(shown)}</p>
        </Notice>
      )}
      {providers.length === 0 ? (
        <Notice tone="warning" title="No sign-in provider is set up">
          <p>Add your company’s identity provider in Settings, or ask your administrator for the provider details.</p>
          <button type="button" onClick={props.onOpenSettings}>
            Open Settings
          </button>
        </Notice>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          {providers.length > 1 && (
            <fieldset className="choices">
              <legend>Identity provider</legend>
              {providers.map((p) => (
                <label key={p.id} className="choice">
                  <input type="radio" name={groupName} value={p.id} checked={selected?.id === p.id} onChange={() => setChosen(p.id)} />
                  <span>{p.label}</span>
                </label>
              ))}
            </fieldset>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Opening your browser…' : `Sign in with ${selected?.label ?? ''}`}
          </button>
        </form>
      )}
    </>
  );
}

function Waiting(props: { readonly api: AgentDeskApi; readonly providerLabel: string; readonly deadline: number }) {
  const now = useNow(true);
  const [copy, setCopy] = useState<{ status: 'idle' } | { status: 'copied' } | { status: 'manual'; link: string } | { status: 'error'; error: UiError }>({ status: 'idle' });
  const [cancelError, setCancelError] = useState<UiError | null>(null);
  const linkId = useId();

  async function copyLink(): Promise<void> {
    const result = await props.api.getSignInLink();
    if (!result.ok) {
      setCopy({ status: 'error', error: result.error });
      return;
    }
    if (result.value === null) return;
    try {
      await navigator.clipboard.writeText(result.value);
      setCopy({ status: 'copied' });
    } catch {
      // No clipboard permission (e.g. the page lost focus): show the link to copy by hand.
      setCopy({ status: 'manual', link: result.value });
    }
  }

  return (
    <>
      <h1 id="sign-in-title">Continue in your browser</h1>
      <p className="lead">
        AgentDesk opened <strong>{props.providerLabel}</strong> in your web browser. Sign in there; this window continues by itself when you are done.
      </p>
      <p className="countdown" role="timer" aria-label={`Time left to sign in: ${spokenCountdown(props.deadline, now)}`}>
        <span className="countdown-label">Time left</span>
        <span className="countdown-value">{formatCountdown(props.deadline, now)}</span>
      </p>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            void props.api.cancelSignIn().then((r) => setCancelError(r.ok ? null : r.error));
          }}
        >
          Cancel
        </button>
        <button type="button" onClick={() => void copyLink()}>
          Copy sign-in link
        </button>
      </div>
      <p className="hint">Browser did not open, or opened the wrong one? Copy the sign-in link and paste it into your browser’s address bar.</p>
      {copy.status === 'copied' && <Notice tone="ok">Sign-in link copied. Paste it into your browser’s address bar.</Notice>}
      {copy.status === 'manual' && (
        <div className="field">
          <label htmlFor={linkId}>Sign-in link</label>
          <input id={linkId} type="text" readOnly value={copy.link} onFocus={(e) => e.currentTarget.select()} />
          <p className="hint">Copying was not allowed here: select the link and copy it yourself.</p>
        </div>
      )}
      {copy.status === 'error' && <Notice tone="error">{errorText(copy.error)}</Notice>}
      {cancelError && <Notice tone="error">{errorText(cancelError)}</Notice>}
    </>
  );
}
