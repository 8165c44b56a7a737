import { useState } from 'react';
import type { AgentDeskApi, ConnectionState, UiError } from '../common/api.js';
import { describeConnection } from './connection-view.js';
import { errorText } from './error-text.js';
import { useNow } from './use-app-state.js';

export function ConnectionStatus({ api, connection }: { readonly api: AgentDeskApi; readonly connection: ConnectionState }) {
  const now = useNow(connection.status === 'reconnecting');
  const view = describeConnection(connection, now);
  const [retryError, setRetryError] = useState<UiError | null>(null);
  return (
    <section className={`connection tone-${view.tone}`} aria-labelledby="connection-title">
      <p className="visually-hidden" role="status">
        {view.announcement}
      </p>
      <div className="connection-text">
        <h2 id="connection-title">
          <span className="dot" aria-hidden="true" />
          {view.title}
        </h2>
        {view.detail !== '' && <p>{view.detail}</p>}
        {retryError && <p>{errorText(retryError)}</p>}
      </div>
      {view.canRetry && (
        <button
          type="button"
          onClick={() => {
            void api.retry().then((r) => setRetryError(r.ok ? null : r.error));
          }}
        >
          Retry
        </button>
      )}
    </section>
  );
}
