/** Codes raised by the desktop's sign-in service and keychain, with the message a person sees. Listed in docs/ERRORS.md. */
export const AUTH_ERRORS = {
  LOGIN_CANCELLED: 'Sign-in was cancelled. Start it again when you are ready.',
  LOGIN_TIMEOUT:
    'Sign-in took too long and was stopped. If the browser showed an error, your identity provider may not allow this redirect URI; otherwise start the sign-in again.',
  LOGIN_IN_PROGRESS: 'A sign-in is already waiting for the browser. Finish it there or cancel it first.',
  ACCESS_DENIED: 'Your identity provider refused the sign-in (access denied). Check that your account may use AgentDesk.',
  STATE_MISMATCH:
    'This sign-in response does not match a sign-in AgentDesk is waiting for (unknown, already used or expired). It was ignored; start the sign-in again if needed.',
  ISSUER_MISMATCH:
    'The sign-in response came from a different identity provider than the one AgentDesk asked. It was refused; check the provider configuration.',
  CALLBACK_INVALID: 'AgentDesk received a sign-in link it does not expect (wrong address or parameters). It was ignored.',
  INVALID_GRANT:
    'Your identity provider no longer accepts this sign-in (the code or session is invalid, expired or revoked). Please sign in again.',
  CLIENT_REJECTED:
    'Your identity provider does not recognise this client or its redirect URI. Ask your administrator to check the client ID, secret and allowed redirect URIs.',
  PROVIDER_ERROR: 'Your identity provider returned an error. Try again, or ask your administrator to check its logs.',
  PROVIDER_UNREACHABLE:
    'Your identity provider cannot be reached (its discovery, token or JWKS address did not answer). Check your network and the issuer URL.',
  ID_TOKEN_INVALID:
    'The identity token from your provider failed validation (signature, issuer, audience, nonce or time). Check the issuer and client ID, and the computer clock.',
  ID_TOKEN_NO_EMAIL:
    'The ID token has no email claim. Ask your administrator to release the email claim (scope "email") to AgentDesk.',
  SIGN_IN_ENDED: 'Your sign-in ended at your identity provider. Sign in again.',
  ID_TOKEN_SUBJECT_CHANGED:
    'Your identity provider renewed the sign-in for a different person than the one signed in. You were signed out; sign in again.',
  SIGN_OUT_NOT_REVOKED:
    'You are signed out of AgentDesk, but your identity provider could not be told to end the sign-in. Your sign-in may still be valid at the provider until it expires.',
  SIGN_OUT_REVOCATION_UNSUPPORTED:
    'You are signed out of AgentDesk. Your identity provider offers AgentDesk no way to end the sign-in there, so it may still be valid at the provider until it expires.',
  END_SESSION_UNAVAILABLE:
    "AgentDesk could not open your identity provider's sign-out page. Sign out of the provider in your browser, or close the browser.",
  SIGN_IN_EXPIRED: 'Your sign-in has expired and cannot be renewed. Please sign in again.',
  BROWSER_UNAVAILABLE: 'AgentDesk could not open your web browser to sign in. Check that a default browser is set.',
  NOT_SIGNED_IN: 'You are not signed in. Sign in to continue.',
  PROVIDER_UNKNOWN: 'No identity provider with this ID is configured.',
  CONFIG_INVALID: 'The sign-in configuration is invalid. Fix the named field in the providers file.',
  REDIRECT_REFUSED:
    "Your identity provider does not accept AgentDesk's redirect address. Ask your administrator to register it with the provider, or, for a provider that compares addresses exactly, to set a fixed loopback port.",
  IDENTITY_OTHER_ISSUER:
    'This co-browse server checks sign-ins from another identity provider than yours, so AgentDesk did not send it your sign-in. Ask your administrator which provider to sign in with.',
  IDENTITY_OTHER_AUDIENCE:
    'Your sign-in is set up for another co-browse server (its resource setting names another audience), so AgentDesk did not send it. Ask your administrator to check the provider’s resource setting.',
  LOOPBACK_UNAVAILABLE: 'AgentDesk could not open a local address to receive the sign-in response.',
  KEYCHAIN_UNAVAILABLE:
    'The system keychain is not available (missing or locked). You stay signed in for now, but your sign-in will not be kept after AgentDesk closes.',
} as const satisfies Record<string, string>;
