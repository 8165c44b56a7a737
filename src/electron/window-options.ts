// The windows' options: every web preference that matters for security is spelled out, even
// where it is Electron's default, so a reader (and the unit test) sees the whole policy here. The
// main window and the pop-out window (the live mirror in its own window) share one set.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { POP_OUT_MIN_HEIGHT, POP_OUT_MIN_WIDTH, WINDOW_DEFAULT_HEIGHT, WINDOW_DEFAULT_WIDTH, WINDOW_MIN_HEIGHT, WINDOW_MIN_WIDTH } from './limits.js';

/** The web preferences of every AgentDesk window: the one preload, isolated and sandboxed. */
export function strictWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'AgentDesk',
    width: WINDOW_DEFAULT_WIDTH,
    height: WINDOW_DEFAULT_HEIGHT,
    minWidth: WINDOW_MIN_WIDTH,
    minHeight: WINDOW_MIN_HEIGHT,
    // Shown on 'ready-to-show', so the agent never sees an empty frame.
    show: false,
    webPreferences: strictWebPreferences(preloadPath),
  };
}

/** The pop-out window: not a child of the main window, so it can live on another screen and be
 * maximised or put in full screen there on its own. */
export function popOutWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    title: 'AgentDesk: the customer’s page',
    width: WINDOW_DEFAULT_WIDTH,
    height: WINDOW_DEFAULT_HEIGHT,
    minWidth: POP_OUT_MIN_WIDTH,
    minHeight: POP_OUT_MIN_HEIGHT,
    show: false,
    webPreferences: strictWebPreferences(preloadPath),
  };
}
