import type { Agent } from 'node:http';
import type { CustomFetch } from 'openid-client';

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
  /**
   * The network stack for sign-in requests and the co-browse socket. Absent (the browser shell):
   * Node's own, i.e. Node's fetch and TLS with Node's CA list and no proxy. The Electron shell
   * passes Chromium's: the system's proxy settings and certificate store, as the browser has.
   */
  readonly network?: DesktopNetwork;
}

/** A fetch as openid-client's `customFetch` calls it (url, method, headers, body, `redirect: 'manual'`, signal). */
export type DesktopFetch = CustomFetch;

export interface SocketOptions {
  /** Carries the connection (e.g. a CONNECT tunnel through the system's proxy); absent: direct. */
  readonly agent?: Agent;
  /** The certificates TLS trusts (PEM); absent: Node's bundled list. */
  readonly ca?: readonly string[];
}

export interface DesktopNetwork {
  /** Sign-in requests: discovery, token, userinfo, JWKS, revocation. */
  readonly fetch: DesktopFetch;
  /** How to open the co-browse WebSocket to this ws(s) URL; asked before every connection attempt. */
  socketOptions(url: string): Promise<SocketOptions>;
}
