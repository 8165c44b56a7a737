/**
 * What the desktop services need from the shell they run in. The Electron shell implements it with
 * `shell.openExternal` and `app.isDefaultProtocolClient`; the browser shell with xdg-open/open/start
 * and its own scheme registration. Services never import `electron`; they take this port instead.
 */
export interface Desktop {
  /** Opens an https URL in the agent's default (system) browser, never in an app window (RFC 8252). */
  openExternal(url: string): Promise<void>;
  /** True when the OS hands URLs of this scheme (e.g. `com.agentdesk.desktop`) to this app. */
  isSchemeRegistered(scheme: string): Promise<boolean>;
  /** A per-user directory the app may write (settings, the default providers file location). */
  readonly appDataDir: string;
}
