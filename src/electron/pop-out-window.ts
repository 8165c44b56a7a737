// The pop-out window: the live mirror in a second BrowserWindow (e.g. on another screen). Only the
// main process opens it, following AppState.mirrorWindow: the renderer asks with the popOutView /
// bringBackView operations like any other IPC call, and window.open stays denied for every page.
// It has the main window's strict options and preload, loads the renderer bundle's pop-out route,
// and gets the same state and page frames as the main window (the shell's one road to renderers).
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import type { AppState } from '../../common/api.js';
import type { AppLogger } from '../app/desktop-app-types.js';
import { APP_POP_OUT_URL } from './app-protocol.js';
import type { TrustedWindow } from './sender-check.js';
import { popOutWindowOptions } from './window-options.js';

export interface PopOutWindowOptions {
  readonly createWindow: (options: BrowserWindowConstructorOptions) => BrowserWindow;
  readonly preloadPath: string;
  /** Connects a new renderer window to the core's page frames (the shell does it for every window). */
  readonly attach: (window: BrowserWindow) => void;
  /** The window closed while the view belonged in it: the agent closed it, or the main window
   * closed. The shell brings the view back. */
  readonly onClosed: () => void;
  readonly logger: Pick<AppLogger, 'error'>;
}

export interface PopOutWindow {
  /** Opens the window when the state puts the mirror in it; closes it when the state takes it back. */
  follow(state: AppState): void;
  /** The open window, for pushing state to it. */
  current(): BrowserWindow | null;
  /** Its renderer, for the IPC sender check; null while closed. */
  trusted(): TrustedWindow | null;
  /** Closes it with the main window. */
  close(): void;
}

export function createPopOutWindow(options: PopOutWindowOptions): PopOutWindow {
  let window: BrowserWindow | null = null;
  const open = () => window !== null && !window.isDestroyed();

  function openWindow(): BrowserWindow {
    const created = options.createWindow(popOutWindowOptions(options.preloadPath));
    created.once('ready-to-show', () => created.show());
    created.on('closed', () => {
      // A window the state already took back (detached below) says nothing.
      if (window !== created) return;
      window = null;
      options.onClosed();
    });
    options.attach(created);
    created.loadURL(APP_POP_OUT_URL).catch((error: unknown) => options.logger.error({ error: (error as Error).message }, 'the pop-out window could not be loaded'));
    return created;
  }

  return {
    follow(state) {
      if (state.mirrorWindow === 'pop-out') {
        if (!open()) window = openWindow();
        return;
      }
      if (window === null) return;
      const leaving = window;
      window = null;
      if (!leaving.isDestroyed()) leaving.close();
    },
    current: () => (open() ? window : null),
    trusted() {
      if (window === null || window.isDestroyed()) return null;
      return { webContentsId: window.webContents.id, mainFrame: window.webContents.mainFrame };
    },
    close() {
      if (open()) window?.close();
    },
  };
}
