// How this app registers as the OS handler of its sign-in scheme. A packaged app registers itself;
// in development (`electron [switches] path/to/app`, where process.defaultApp is true) the OS must
// launch the Electron binary with the app's path, or Windows would start a bare Electron.
import { resolve } from 'node:path';

/** The custom scheme of the sign-in redirect (electron-builder.yml `protocols`). */
export const SIGN_IN_SCHEME = 'com.agentdesk.desktop';

export interface ProtocolClientLaunch {
  /** The executable the OS runs; undefined means this app's own. */
  readonly path?: string;
  readonly args?: readonly string[];
}

export interface LaunchedProcess {
  readonly defaultApp?: boolean;
  readonly execPath: string;
  readonly argv: readonly string[];
}

/**
 * The app path is the first argument after the executable that is not a switch: Playwright and
 * developers put Chromium and Node switches (`--inspect=0`, `--no-sandbox`) before it, and a
 * registration naming `<cwd>/--inspect=0` would send every sign-in link nowhere.
 */
export function protocolClientLaunch(proc: LaunchedProcess): ProtocolClientLaunch {
  if (proc.defaultApp !== true) return {};
  const appPath = proc.argv.slice(1).find((arg) => !arg.startsWith('-'));
  if (appPath === undefined) return {};
  return { path: proc.execPath, args: [resolve(appPath)] };
}
