// The demo identity provider's pages: a login form a person can use, and simple message pages.
// Every interpolated value is HTML-escaped.

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh; background: #f3f5f8; color: #1b2430; }
  main { background: #fff; padding: 2rem; border-radius: 10px; box-shadow: 0 2px 12px #0002; width: min(22rem, 90vw); }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  label { display: block; margin: .8rem 0 .2rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; border: 1px solid #8a94a3; border-radius: 6px; }
  button { margin-top: 1.2rem; padding: .55rem 1rem; font: inherit; border-radius: 6px; border: 0; background: #1f5fbf; color: #fff; cursor: pointer; }
  button.secondary { background: transparent; color: #1f5fbf; }
  .error { color: #a4161a; background: #fde8e8; padding: .5rem; border-radius: 6px; }
  :focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
`;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export function renderLoginPage(uid: string, email: string, error: string | null): string {
  const action = `/interaction/${encodeURIComponent(uid)}`;
  return page(
    'Sign in: AgentDesk demo identity provider',
    `<h1>Sign in to AgentDesk</h1>
    ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="${action}/login" autocomplete="off">
      <label for="email">Email</label>
      <input id="email" name="email" type="email" required autofocus value="${escapeHtml(email)}">
      <label for="password">Password</label>
      <input id="password" name="password" type="password" required>
      <button type="submit">Sign in</button>
    </form>
    <form method="post" action="${action}/abort"><button type="submit" class="secondary">Cancel</button></form>`,
  );
}

/** A message page; `form` is oidc-provider's own end-session form markup when confirming. */
export function renderMessagePage(title: string, message: string, form: string, submitLabel: string | null): string {
  const confirm = submitLabel ? `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">${escapeHtml(submitLabel)}</button>` : '';
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${confirm}`);
}
