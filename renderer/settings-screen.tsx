import { useEffect, useId, useState } from 'react';
import type { AgentDeskApi, RedirectMode, Settings, UiError } from '../common/api.js';
import { errorText } from './error-text.js';
import { checkAgentToken, checkProviders, checkServerUrl, draftFromProvider, type ProviderDraft } from './form-validation.js';
import { Notice } from './notice.js';

type Outcome = { readonly ok: true; readonly message: string } | { readonly ok: false; readonly message: string } | null;

function resultOutcome(result: { ok: true } | { ok: false; error: UiError }, success: string): Outcome {
  return result.ok ? { ok: true, message: success } : { ok: false, message: errorText(result.error) };
}

function OutcomeNotice({ outcome }: { readonly outcome: Outcome }) {
  if (!outcome) return null;
  return <Notice tone={outcome.ok ? 'ok' : 'error'}>{outcome.message}</Notice>;
}

export function SettingsScreen({ api, agentTokenSet }: { readonly api: AgentDeskApi; readonly agentTokenSet: boolean }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [loadError, setLoadError] = useState<UiError | null>(null);

  async function reload(): Promise<void> {
    const result = await api.getSettings();
    if (result.ok) setSettings(result.value);
    else setLoadError(result.error);
  }

  useEffect(() => {
    void reload();
  }, [api]);

  return (
    <div className="stack">
      <h1>Settings</h1>
      {loadError && <Notice tone="error">{errorText(loadError)}</Notice>}
      {settings && (
        <>
          <ServerSection api={api} settings={settings} onSaved={reload} />
          <AgentTokenSection api={api} isSet={agentTokenSet} />
          <ProvidersSection api={api} settings={settings} onSaved={reload} />
        </>
      )}
    </div>
  );
}

function ServerSection({ api, settings, onSaved }: { readonly api: AgentDeskApi; readonly settings: Settings; readonly onSaved: () => Promise<void> }) {
  const [url, setUrl] = useState(settings.serverUrl ?? '');
  const [outcome, setOutcome] = useState<Outcome>(null);
  const id = useId();
  const helpId = useId();

  async function save(): Promise<void> {
    const checked = checkServerUrl(url);
    if (!checked.ok) {
      setOutcome({ ok: false, message: checked.message });
      return;
    }
    const result = await api.saveSettings({ serverUrl: checked.value, providers: [...settings.providers] });
    setOutcome(resultOutcome(result, checked.value === null ? 'Server removed.' : 'Server saved. AgentDesk reconnects to it now.'));
    if (result.ok) await onSaved();
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Co-browse server</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="field">
          <label htmlFor={id}>Co-browse server URL</label>
          <input id={id} type="url" inputMode="url" autoComplete="url" spellCheck={false} placeholder="https://cobrowse.example.com" value={url} aria-describedby={helpId} onChange={(e) => setUrl(e.currentTarget.value)} />
          <p id={helpId} className="hint">
            {settings.serverUrlSource === 'administrator'
              ? 'In use: the address your administrator configured for this desktop. A URL saved here replaces it for you.'
              : 'The address your administrator gave you, starting with https://.'}
          </p>
        </div>
        <button type="submit">Save server</button>
      </form>
      <OutcomeNotice outcome={outcome} />
    </section>
  );
}

function AgentTokenSection({ api, isSet }: { readonly api: AgentDeskApi; readonly isSet: boolean }) {
  const [token, setToken] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);
  const id = useId();
  const helpId = useId();
  const statusId = useId();

  async function save(): Promise<void> {
    const checked = checkAgentToken(token);
    if (!checked.ok) {
      setOutcome({ ok: false, message: checked.message });
      return;
    }
    const result = await api.saveAgentToken(checked.value);
    if (result.ok) setToken('');
    setOutcome(resultOutcome(result, 'Agent token saved in the system keychain.'));
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Agent authentication</h2>
      <p id={statusId} className="token-status">
        Agent token: <strong className={isSet ? 'badge badge-ok' : 'badge'}>{isSet ? 'set' : 'not set'}</strong>
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="field">
          <label htmlFor={id}>Agent token</label>
          <input
            id={id}
            type="password"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            value={token}
            aria-describedby={`${statusId} ${helpId}`}
            onChange={(e) => setToken(e.currentTarget.value)}
          />
          <p id={helpId} className="hint">
            The 26-digit token your administrator set on the co-browse server. It is kept in the system keychain and never shown again.
          </p>
        </div>
        <div className="actions">
          <button type="submit">{isSet ? 'Replace token' : 'Save token'}</button>
          {isSet && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                void api.clearAgentToken().then((r) => setOutcome(resultOutcome(r, 'Agent token removed from this desktop.')));
              }}
            >
              Remove token
            </button>
          )}
        </div>
      </form>
      <OutcomeNotice outcome={outcome} />
    </section>
  );
}

const REDIRECT_LABELS: Readonly<Record<RedirectMode, string>> = {
  auto: 'Automatic',
  'custom-scheme': 'Back to the app (custom scheme)',
  loopback: 'Local address (loopback)',
};

const EMPTY_DRAFT: ProviderDraft = { id: '', label: '', issuer: '', clientId: '', scopes: 'openid email profile offline_access', redirect: 'auto' };

function ProvidersSection({ api, settings, onSaved }: { readonly api: AgentDeskApi; readonly settings: Settings; readonly onSaved: () => Promise<void> }) {
  const [drafts, setDrafts] = useState<ProviderDraft[]>(() => settings.providers.map(draftFromProvider));
  const [outcome, setOutcome] = useState<Outcome>(null);
  const titleId = useId();

  function update(index: number, patch: Partial<ProviderDraft>): void {
    setDrafts((list) => list.map((d, i) => (i === index ? { ...d, ...patch } : d)));
  }

  async function save(): Promise<void> {
    const checked = checkProviders(drafts);
    if (!checked.ok) {
      setOutcome({ ok: false, message: checked.message });
      return;
    }
    // The administrator's URL is not the agent's to save: only an own URL goes back.
    const result = await api.saveSettings({ serverUrl: settings.serverUrlSource === 'agent' ? settings.serverUrl : null, providers: checked.value });
    setOutcome(resultOutcome(result, 'Sign-in providers saved.'));
    if (result.ok) await onSaved();
  }

  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId}>Sign-in providers</h2>
      <p className="hint">The identity providers agents sign in with. Your administrator has these details (issuer URL and client ID of the AgentDesk app).</p>
      {settings.administratorProviders.length > 0 && (
        <div className="admin-providers">
          <h3>From your administrator’s file</h3>
          <p className="hint">In use on the sign-in screen. Set by your administrator, so they cannot be changed here.</p>
          <ul data-testid="administrator-providers">
            {settings.administratorProviders.map((p) => (
              <li key={p.id}>
                <strong>{p.label}</strong> <span className="badge">read-only</span>
                <dl className="facts">
                  <dt>Issuer</dt>
                  <dd className="mono">{p.issuer ?? 'explicit endpoints'}</dd>
                  <dt>Client ID</dt>
                  <dd className="mono">{p.clientId}</dd>
                </dl>
              </li>
            ))}
          </ul>
          <h3>Your own providers</h3>
        </div>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {drafts.length === 0 && <p className="empty">{settings.administratorProviders.length > 0 ? 'None of your own: the administrator’s providers above are used.' : 'No provider yet.'}</p>}
        {drafts.map((draft, index) => (
          <ProviderFields
            key={index}
            index={index}
            draft={draft}
            onChange={(patch) => update(index, patch)}
            onRemove={() => setDrafts((list) => list.filter((_, i) => i !== index))}
          />
        ))}
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setDrafts((list) => [...list, EMPTY_DRAFT])}>
            Add provider
          </button>
          <button type="submit">Save providers</button>
        </div>
      </form>
      <OutcomeNotice outcome={outcome} />
    </section>
  );
}

function ProviderFields(props: { readonly index: number; readonly draft: ProviderDraft; readonly onChange: (patch: Partial<ProviderDraft>) => void; readonly onRemove: () => void }) {
  const { draft, index } = props;
  const base = useId();
  const field = (name: keyof ProviderDraft, label: string, extra: { type?: string; placeholder?: string } = {}) => (
    <div className="field">
      <label htmlFor={`${base}-${name}`}>{label}</label>
      <input
        id={`${base}-${name}`}
        type={extra.type ?? 'text'}
        spellCheck={false}
        autoComplete="off"
        placeholder={extra.placeholder}
        value={draft[name]}
        onChange={(e) => props.onChange({ [name]: e.currentTarget.value })}
      />
    </div>
  );
  return (
    <fieldset className="provider">
      <legend>
        Provider {index + 1}
        {draft.label.trim() !== '' ? `: ${draft.label}` : ''}
      </legend>
      <div className="grid">
        {field('label', 'Name', { placeholder: 'Company sign-in' })}
        {field('id', 'ID', { placeholder: 'company' })}
        {field('issuer', 'Issuer URL', { type: 'url', placeholder: 'https://login.example.com' })}
        {field('clientId', 'Client ID')}
        {field('scopes', 'Scopes')}
        <div className="field">
          <label htmlFor={`${base}-redirect`}>Redirect</label>
          <select id={`${base}-redirect`} value={draft.redirect} onChange={(e) => props.onChange({ redirect: e.currentTarget.value as RedirectMode })}>
            {(Object.keys(REDIRECT_LABELS) as RedirectMode[]).map((mode) => (
              <option key={mode} value={mode}>
                {REDIRECT_LABELS[mode]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <button type="button" className="secondary small" onClick={props.onRemove} aria-label={`Remove provider ${index + 1}${draft.label ? ` (${draft.label})` : ''}`}>
        Remove
      </button>
    </fieldset>
  );
}
