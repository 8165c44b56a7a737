/**
 * Codes raised by the agent desktop's co-browse channel, its typed API and its UI checks, with the
 * message a person sees. Listed in docs/ERRORS.md ("Agent desktop: co-browse channel and UI").
 */
export const DESKTOP_ERRORS = {
  API_ARGUMENT_INVALID: 'AgentDesk received a request it could not understand. Restart AgentDesk; if this happens again, report it.',
  SESSION_CODE_INVALID: 'A session code is 9 digits. Check the code the customer read out and try again.',
  CA_FILE_UNUSABLE: 'The certificate authority file set by your administrator cannot be used: it must hold PEM CA certificates. AgentDesk did not start; tell your administrator.',
  SERVER_URL_INSECURE: 'The co-browse server URL must start with https:// (http:// only for this computer: 127.0.0.1 or localhost). Over plain http the agent token and sign-in would cross the network readable by anyone on the way.',
  SERVER_URL_INVALID: 'The co-browse server URL must start with http:// or https:// and have no user name, password, query or fragment.',
  AGENT_TOKEN_FORMAT_INVALID: 'An agent token is exactly 26 digits. Copy it again from your administrator.',
  PROVIDER_SETTINGS_INVALID: 'A sign-in provider needs a unique ID, a name, an issuer URL and a client ID.',
  COBROWSE_NOT_CONFIGURED: 'No co-browse server is set. Enter the co-browse server URL in Settings.',
  COBROWSE_NOT_CONNECTED: 'AgentDesk is not connected to the co-browse server yet. Wait for the connection, or press Retry.',
  COBROWSE_CERT_UNTRUSTED: 'The co-browse server\'s certificate is not from an authority this computer trusts, so AgentDesk did not connect. If your company uses its own certificate authority, ask your administrator to install it on this computer.',
  COBROWSE_CERT_EXPIRED: 'The co-browse server\'s certificate has expired (or is not valid yet), so AgentDesk did not connect. Check this computer\'s date and time, or tell your administrator.',
  COBROWSE_CERT_WRONG_HOST: 'The co-browse server\'s certificate is for another name than the server URL, so AgentDesk did not connect. Check the server URL in Settings, or tell your administrator.',
  COBROWSE_UNREACHABLE: 'AgentDesk cannot reach the co-browse server. Check the server URL in Settings and your network; AgentDesk keeps trying.',
  COBROWSE_CONNECTION_LOST: 'The connection to the co-browse server was lost. AgentDesk is reconnecting.',
  COBROWSE_REFUSED: 'The co-browse server refused the connection. Check the server URL in Settings, or ask your administrator.',
  COBROWSE_PROTOCOL_ERROR: 'The co-browse server sent something this version of AgentDesk does not understand. Ask your administrator whether the server and the desktop versions match.',
  COBROWSE_JOIN_TIMEOUT: 'The co-browse server did not answer the join request in time. Try the code again.',
  DESKTOP_INTERNAL_ERROR: 'Something went wrong inside AgentDesk. Try again; if it keeps happening, restart AgentDesk and report it.',
  HOST_LINK_INVALID: 'This AgentDesk page was opened without its launch key. Open AgentDesk from the link it printed when it started.',
  HOST_UNREACHABLE: 'The AgentDesk background process is not running or was restarted. Start AgentDesk again, then open the link it prints.',
  POP_OUT_BLOCKED: 'The browser did not open the view in its own window. Allow pop-up windows for this AgentDesk page, then press Pop out again.',
  COBROWSE_SESSION_ACTIVE: 'You are already in a co-browse session. Leave it before joining another.',
  COBROWSE_NOT_IN_SESSION: 'You are not in a co-browse session right now. Join one with the code the customer reads out, or wait until AgentDesk has resumed the session.',
  WRITE_MODE_NOT_GRANTED: 'The customer has not given you control of their page. Press Request control and wait for them to accept.',
  ACTION_TARGET_LOCKED: 'The customer’s page does not let agents operate this element (for example a submit button). Ask the customer to do it.',
  ACTION_TARGET_MASKED: 'This field is masked: its value never leaves the customer’s browser, so you cannot type in it. Ask the customer to fill it in.',
  ACTION_TARGET_GONE: 'That element is no longer on the customer’s page. Try again on the page as it is now.',
  SESSION_RESUME_FAILED: 'AgentDesk reconnected but could not resume the session: it has ended on the server. Ask the customer for a new code.',
} as const satisfies Record<string, string>;
