// The Desktop port (src/desktop-port.ts) on Electron: the system browser through shell.openExternal,
// the scheme registration as the OS reports it, Electron's per-user data folder, and Chromium's
// network stack for sign-in and the co-browse socket (electron-network.ts).
import type { App, Shell } from 'electron';
import type { Desktop, DesktopNetwork } from '../desktop-port.js';
import { signInBrowserUrl } from './navigation-policy.js';
import type { ProtocolClientLaunch } from './protocol-client.js';

export interface ElectronDesktopParts {
  readonly shell: Pick<Shell, 'openExternal'>;
  readonly app: Pick<App, 'isDefaultProtocolClient'>;
  readonly userDataDir: string;
  readonly launch: ProtocolClientLaunch;
  readonly network?: DesktopNetwork;
}

export function createElectronDesktop(parts: ElectronDesktopParts): Desktop {
  return {
    appDataDir: parts.userDataDir,
    ...(parts.network ? { network: parts.network } : {}),
    async openExternal(url: string): Promise<void> {
      const allowed = signInBrowserUrl(url);
      // The sign-in service maps a rejection to BROWSER_UNAVAILABLE; the reason is for the log.
      if (allowed === null) throw new Error('Only https URLs (http on loopback) are opened in the system browser.');
      // Reviewed: only what signInBrowserUrl allows reaches the OS.
      await parts.shell.openExternal(allowed, { activate: true }); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
    },
    async isSchemeRegistered(scheme: string): Promise<boolean> {
      const { path, args } = parts.launch;
      return path === undefined ? parts.app.isDefaultProtocolClient(scheme) : parts.app.isDefaultProtocolClient(scheme, path, [...(args ?? [])]);
    },
  };
}
