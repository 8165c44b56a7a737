/**
 * The keychain as the services see it: string secrets under an account name, inside one service
 * name per app and profile (the implementation holds the service name). Values never leave the
 * main process' own services.
 */
export interface SecretStore {
  /** The secret under `account`, or null when there is none. */
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  /** Removes the secret; true when there was one. */
  delete(account: string): Promise<boolean>;
  /** False when secrets only live in this process' memory and are lost when it ends. */
  readonly persistent: boolean;
}
