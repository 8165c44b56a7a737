// Where things live in the keychain: one service name per app and profile, one account per
// provider + client, and one for the co-browse agent token.

const APP_ID = 'com.agentdesk.desktop';

/** The keychain service name for a profile, e.g. `com.agentdesk.desktop/default`. */
export function keychainService(profile = 'default'): string {
  return `${APP_ID}/${profile}`;
}

/** The account holding the refresh token and metadata for one provider + client. */
export function providerAccount(providerId: string, clientId: string): string {
  return `oidc:${providerId}:${clientId}`;
}

/** The account holding the shared 26-digit co-browse agent token. */
export const AGENT_TOKEN_ACCOUNT = 'cobrowse:agent-token';
