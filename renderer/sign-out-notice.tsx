import { useState } from 'react';
import type { AgentDeskApi, SignOutSummary, UiError } from '../common/api.js';
import { errorText } from './error-text.js';
import { Notice } from './notice.js';

/** After a sign-out: what happened at the identity provider, and the offer to end its browser session. */
export function SignOutNotice({ api, summary }: { readonly api: AgentDeskApi; readonly summary: SignOutSummary }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<UiError | null>(null);
  const provider = summary.providerLabel;

  async function endProviderSession(): Promise<void> {
    setBusy(true);
    const result = await api.endProviderSession();
    setBusy(false);
    setFailure(result.ok ? null : result.error);
  }

  return (
    <>
      {summary.endSession === 'offered' && (
        <Notice tone="warning" title="You are signed out of AgentDesk">
          <p>
            Your browser may still be signed in to {provider}: whoever uses this computer next could sign in to AgentDesk as you without a password.
          </p>
          <button type="button" onClick={() => void endProviderSession()} disabled={busy}>
            Sign out of {provider} too
          </button>
        </Notice>
      )}
      {summary.endSession === 'performed' && (
        <Notice tone="ok" title="You are signed out of AgentDesk">
          <p>{provider}’s sign-out page was opened in your browser. Finish there if it asks you to confirm.</p>
        </Notice>
      )}
      {summary.endSession === 'unsupported' && (
        <Notice tone="neutral" title="You are signed out of AgentDesk">
          <p>{provider} offers no sign-out page AgentDesk can open. On a shared computer, close your browser to end your sign-in there.</p>
        </Notice>
      )}
      {[...summary.notices, ...(failure ? [failure] : [])].map((notice) => (
        <Notice key={notice.code} tone="warning">
          <p>{errorText(notice)}</p>
        </Notice>
      ))}
    </>
  );
}
