// The Electron shell's wiring: single-instance lock, the sign-in scheme hand-over, the app://
// protocol, the hardened main window and the IPC bridge to the core. Electron itself is passed in
// by main.ts, so this file imports only Electron's types and its order of operations is unit-tested.
import type { App, BrowserWindow, BrowserWindowConstructorOptions, Dialog, MenuItemConstructorOptions, Protocol, Session, Shell, WebContents } from 'electron';
import { PAGE_FRAME_CHANNEL, STATE_CHANNEL, type Settings } from '../../common/api.js';
import type { AppLogger, DesktopApp } from '../app/desktop-app-types.js';
import type { Desktop, DesktopNetwork } from '../desktop-port.js';
import { APP_SCHEME, APP_START_URL, createAppProtocolHandler } from './app-protocol.js';
import { applicationMenuTemplate } from './application-menu.js';
import { ensureAppImageDesktopEntry, userApplicationsDir } from './appimage-desktop-entry.js';
import { createElectronDesktop } from './electron-desktop.js';
import { registerApiHandlers, type ApiIpcMain } from './ipc-handlers.js';
import { LaunchQueue } from './launch-queue.js';
import { configuredUrls, externalLinkUrl, isAppNavigation } from './navigation-policy.js';
import { isPermissionGranted } from './permission-policy.js';
import { createPopOutWindow } from './pop-out-window.js';
import { protocolClientLaunch, SIGN_IN_SCHEME, type LaunchedProcess } from './protocol-client.js';
import type { TrustedWindow } from './sender-check.js';
import { EXIT_STARTUP_FAILED, failStartup } from './startup-failure.js';
import { mainWindowOptions } from './window-options.js';

/** electron-builder.yml appId: the Windows AppUserModelID the NSIS shortcuts carry, so taskbar and notifications group with them. */
export const APP_USER_MODEL_ID = 'com.agentdesk.desktop';

/** The Electron modules the shell uses (main.ts passes the real ones). */
export interface ShellElectron {
  readonly app: Pick<
    App,
    | 'requestSingleInstanceLock'
    | 'releaseSingleInstanceLock'
    | 'quit'
    | 'exit'
    | 'on'
    | 'whenReady'
    | 'setAsDefaultProtocolClient'
    | 'isDefaultProtocolClient'
    | 'getPath'
    | 'setAppUserModelId'
    | 'isPackaged'
  >;
  readonly dialog: Pick<Dialog, 'showErrorBox'>;
  /** Chromium's network for sign-in and the co-browse socket (electron-network.ts); made once the app is ready. */
  readonly network?: () => DesktopNetwork;
  /** Menu.setApplicationMenu(Menu.buildFromTemplate(template)). */
  readonly setApplicationMenu: (template: MenuItemConstructorOptions[]) => void;
  readonly protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  /** `session.defaultSession`, which exists only once the app is ready. */
  readonly defaultSession: () => Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
  readonly shell: Pick<Shell, 'openExternal'>;
  readonly ipcMain: ApiIpcMain;
  readonly createWindow: (options: BrowserWindowConstructorOptions) => BrowserWindow;
}

export interface ShellOptions {
  readonly electron: ShellElectron;
  readonly process: LaunchedProcess & {
    readonly platform: NodeJS.Platform;
    readonly env: Readonly<Record<string, string | undefined>>;
    readonly stderr: { write(text: string): unknown };
  };
  /** False under AGENTDESK_SCHEME_REGISTRATION=off (tests): the OS's handler is left as it is. */
  readonly registerScheme: boolean;
  /** dist/electron/preload.cjs */
  readonly preloadPath: string;
  /** dist/renderer */
  readonly rendererDir: string;
  readonly logger: AppLogger;
  /** Builds the core on the Electron Desktop port (main.ts adds the keychain and logger). */
  readonly createApp: (desktop: Desktop) => DesktopApp;
}

export interface ShellHandle {
  /** Settles once the core has started and the launch arguments queued before it were handed over. */
  readonly ready: Promise<void>;
}

/** Starts the shell; null when another instance holds the lock (this one quits, after passing its argv on). */
export function startElectronShell(options: ShellOptions): ShellHandle | null {
  const { electron, logger } = options;
  const { app, protocol } = electron;

  // A second launch (the OS handing over a sign-in URL) gives its argv to the first and quits.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }

  // Must happen before 'ready': the scheme becomes standard and secure, like https.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  if (options.process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  const launch = protocolClientLaunch(options.process);
  if (options.registerScheme) registerScheme();
  else logger.info({ scheme: SIGN_IN_SCHEME }, 'AGENTDESK_SCHEME_REGISTRATION=off: the sign-in scheme handler is left as it is');

  const queue = new LaunchQueue((error) => logger.error({ error: (error as Error).message }, 'a sign-in hand-over failed'));
  let core: DesktopApp | null = null;
  let window: BrowserWindow | null = null;
  let disposed = false;
  // The live mirror in its own window, opened and closed by the state (pop-out-window.ts).
  const popOut = createPopOutWindow({
    createWindow: electron.createWindow,
    preloadPath: options.preloadPath,
    attach: (created) => attachRenderer(created),
    onClosed: () => {
      if (core?.state().mirrorWindow === 'pop-out') void core.dispatch('bringBackView', []);
    },
    logger,
  });

  // macOS delivers a clicked link as open-url, possibly before 'ready': registered first thing.
  // The window comes forward (or back, if the agent closed it) to show the sign-in's outcome.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    queue.deliver({ kind: 'open-url', url });
    showWindow();
  });
  // Windows and Linux start a second instance with the URL somewhere in its argv.
  app.on('second-instance', (_event, argv) => {
    queue.deliver({ kind: 'argv', argv });
    showWindow();
  });
  queue.deliver({ kind: 'argv', argv: options.process.argv });

  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('window-all-closed', () => {
    if (options.process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (core !== null && (window === null || window.isDestroyed())) window = openWindow();
  });
  app.on('before-quit', (event) => {
    if (disposed || core === null) return;
    // Close the co-browse channel and timers before the process ends, then quit for real.
    event.preventDefault();
    disposed = true;
    void core
      .dispose()
      .catch((error: unknown) => logger.error({ error: (error as Error).message }, 'shutting the core down failed'))
      .finally(() => app.quit());
  });

  function registerScheme(): void {
    // An AppImage has no installed .desktop file for xdg-mime to name: it writes its own first.
    const appImage = options.process.env.APPIMAGE;
    if (options.process.platform === 'linux' && appImage !== undefined && appImage !== '') {
      try {
        const written = ensureAppImageDesktopEntry(userApplicationsDir(options.process.env, app.getPath('home')), { appImage, scheme: SIGN_IN_SCHEME });
        if (written !== null) logger.info({ file: written }, 'wrote the desktop entry of this AppImage');
      } catch (error) {
        logger.warn({ error: (error as Error).message }, 'could not write the desktop entry of this AppImage; sign-in links may not reach it');
      }
    }
    // Reviewed: the scheme only delivers a URL that the core checks against the exact callback
    // address (src/app/deep-link.ts); the rest of argv is ignored.
    const registered =
      launch.path === undefined
        ? app.setAsDefaultProtocolClient(SIGN_IN_SCHEME) /* eng-disable PROTOCOL_HANDLER_JS_CHECK */
        : app.setAsDefaultProtocolClient(SIGN_IN_SCHEME, launch.path, [...(launch.args ?? [])]); /* eng-disable PROTOCOL_HANDLER_JS_CHECK */
    if (!registered) logger.warn({ scheme: SIGN_IN_SCHEME }, 'could not register as the handler of the sign-in scheme; sign-in falls back to loopback where allowed');
  }

  /** Brings the window forward, or opens it again (macOS keeps running without one). */
  function showWindow(): void {
    if (core === null) return;
    if (window === null || window.isDestroyed()) {
      window = openWindow();
      return;
    }
    if (window.isMinimized()) window.restore();
    window.focus();
  }

  function harden(contents: WebContents): void {
    contents.on('will-navigate', (event) => {
      if (isAppNavigation(event.url)) return;
      event.preventDefault();
      void openLink(event.url);
    });
    contents.on('will-frame-navigate', (event) => {
      if (!isAppNavigation(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isAppNavigation(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      void openLink(url);
      return { action: 'deny' };
    });
  }

  async function openLink(raw: string): Promise<void> {
    const settings = core === null ? null : await core.dispatch('getSettings', []);
    const target = externalLinkUrl(raw, settings?.ok ? configuredUrls(settings.value as Settings) : []);
    if (target === null) {
      // Only the scheme: the rest of a refused link may carry anything.
      logger.warn({ scheme: URL.canParse(raw) ? new URL(raw).protocol : 'invalid' }, 'a link to a host the agent did not configure was not opened');
      return;
    }
    try {
      // Reviewed: only what externalLinkUrl allows (a configured host) reaches the OS.
      await electron.shell.openExternal(target); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
    } catch (error) {
      logger.warn({ error: (error as Error).message }, 'the system browser could not be opened');
    }
  }

  function trustedWindow(): TrustedWindow | null {
    if (window === null || window.isDestroyed()) return null;
    return { webContentsId: window.webContents.id, mainFrame: window.webContents.mainFrame };
  }

  /**
   * Page frames for one renderer window: the core's subscription replays the session's kept frames
   * first, so a window subscribes once its page has loaded (a pop-out opening mid-session, a
   * reload) and drops the subscription when its page goes. State needs no such step: the
   * renderer asks for it (getState) when it starts.
   */
  function attachRenderer(created: BrowserWindow): void {
    let unsubscribe: (() => void) | null = null;
    const stop = () => {
      unsubscribe?.();
      unsubscribe = null;
    };
    created.webContents.on('did-navigate', stop);
    created.webContents.on('did-finish-load', () => {
      stop();
      unsubscribe =
        core?.onPageFrame((frame) => {
          if (!created.isDestroyed()) created.webContents.send(PAGE_FRAME_CHANNEL, frame);
        }) ?? null;
    });
    created.on('closed', stop);
  }

  function openWindow(): BrowserWindow {
    const created = electron.createWindow(mainWindowOptions(options.preloadPath));
    created.once('ready-to-show', () => created.show());
    created.on('closed', () => {
      if (window === created) window = null;
      // The pop-out closes with the main window; the view is then the main window's again.
      popOut.close();
    });
    attachRenderer(created);
    created.loadURL(APP_START_URL).catch((error: unknown) => logger.error({ error: (error as Error).message }, 'the agent UI could not be loaded'));
    return created;
  }

  const ready = app.whenReady().then(async () => {
    const session = electron.defaultSession();
    session.setPermissionRequestHandler((_contents, permission, callback, details) => callback(isPermissionGranted(permission, details.requestingUrl)));
    session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
      isPermissionGranted(permission, details.requestingUrl ?? requestingOrigin),
    );
    protocol.handle(APP_SCHEME, createAppProtocolHandler(options.rendererDir));
    electron.setApplicationMenu(applicationMenuTemplate({ platform: options.process.platform, packaged: app.isPackaged }));

    const network = electron.network?.();
    const started = options.createApp(createElectronDesktop({ shell: electron.shell, app, userDataDir: app.getPath('userData'), launch, ...(network ? { network } : {}) }));
    core = started;
    registerApiHandlers({ ipcMain: electron.ipcMain, app: started, trustedWindow, popOutWindow: () => popOut.trusted(), logger });
    started.onState((state) => {
      for (const target of [window, popOut.current()]) {
        if (target !== null && !target.isDestroyed()) target.webContents.send(STATE_CHANNEL, state);
      }
      popOut.follow(state);
    });
    window = openWindow();
    try {
      await started.start();
    } catch (error) {
      logger.error({ error: (error as Error).message }, 'the desktop core did not start');
    }
    await queue.attach(started);
  });
  // Anything thrown while starting ends the process with a box, never a windowless zombie.
  ready.catch((error: unknown) => {
    logger.error({ error: (error as Error).message }, 'the app could not start');
    failStartup({ app, dialog: electron.dialog, stderr: options.process.stderr }, error, EXIT_STARTUP_FAILED);
  });
  return { ready };
}
