// The shell's order of operations with Electron replaced by recording fakes of the parts
// ShellElectron names (the binary cannot run here): what happens before 'ready', what after, and
// how OS hand-overs, navigation, new windows and permissions are treated.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PAGE_FRAME_CHANNEL, STATE_CHANNEL, type ApiOperation, type ApiResult, type AppState, type PageFrame } from '../../../common/api.js';
import type { DesktopApp } from '../../../src/app/desktop-app-types.js';
import type { Desktop } from '../../../src/desktop-port.js';
import { startElectronShell, type ShellElectron } from '../../../src/electron/shell.js';

type Fn = (...args: never[]) => unknown;
type MenuItemConstructorOptions = Parameters<ShellElectron['setApplicationMenu']>[0][number];

class Emitter {
  readonly listeners = new Map<string, Fn[]>();
  on(event: string, listener: Fn): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Fn): this {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...a: unknown[]) => unknown)(...args);
  }
}

function fakeEvent(extra: object = {}) {
  const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true), ...extra };
  return event;
}

class FakeContents extends Emitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
}

let nextContentsId = 5;

class FakeWindow extends Emitter {
  readonly sent: unknown[][] = [];
  readonly loaded: string[] = [];
  focused = 0;
  restored = 0;
  destroyed = false;
  readonly webContents = Object.assign(new Emitter(), { id: nextContentsId++, mainFrame: { frameToken: 'f', processId: 1 }, send: (...args: unknown[]) => this.sent.push(args) });
  constructor(readonly options: unknown) {
    super();
  }
  isDestroyed = () => this.destroyed;
  isMinimized = () => true;
  restore = () => void (this.restored += 1);
  focus = () => void (this.focused += 1);
  show = () => {};
  close = () => {
    this.destroyed = true;
    this.emit('closed');
  };
  // As Electron: the main frame commits the page, then it loads.
  loadURL = async (url: string) => {
    this.loaded.push(url);
    this.webContents.emit('did-navigate', {}, url);
    this.webContents.emit('did-finish-load');
  };
}

function fakeElectron(options: { lock?: boolean; packaged?: boolean } = {}) {
  const log: string[] = [];
  let markReady!: () => void;
  const ready = new Promise<void>((done) => (markReady = done));
  const app = new (class extends Emitter {
    requestSingleInstanceLock = () => (log.push('lock'), options.lock ?? true);
    releaseSingleInstanceLock = () => void log.push('release lock');
    quit = () => void log.push('quit');
    exit = (code: number) => void log.push(`exit ${code}`);
    setAppUserModelId = (id: string) => void log.push(`app user model id ${id}`);
    isPackaged = options.packaged ?? true;
    whenReady = () => ready;
    setAsDefaultProtocolClient = (...args: unknown[]) => (log.push(`scheme ${JSON.stringify(args)}`), true);
    isDefaultProtocolClient = () => true;
    getPath = (name: string) => (name === 'home' ? (homeDir ??= mkdtempSync(join(tmpdir(), 'agentdesk-home-'))) : `/data/${name}`);
    override on(event: string, listener: Fn): this {
      log.push(`on ${event}`);
      return super.on(event, listener);
    }
  })();
  const permissions: { request?: Fn; check?: Fn } = {};
  const windows: FakeWindow[] = [];
  const opened: string[] = [];
  const handled = new Map<string, Fn>();
  const menus: MenuItemConstructorOptions[][] = [];
  const errorBoxes: string[][] = [];
  const electron = {
    app,
    dialog: { showErrorBox: (title: string, content: string) => void errorBoxes.push([title, content]) },
    setApplicationMenu: (template: MenuItemConstructorOptions[]) => void menus.push(template),
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => log.push(`privileged ${JSON.stringify(schemes)}`),
      handle: (scheme: string, handler: Fn) => (log.push(`handle ${scheme}`), handled.set(scheme, handler)),
    },
    defaultSession: () => ({
      setPermissionRequestHandler: (handler: Fn) => (permissions.request = handler),
      setPermissionCheckHandler: (handler: Fn) => (permissions.check = handler),
    }),
    shell: { openExternal: async (url: string) => void opened.push(url) },
    ipcMain: { handle: () => {}, removeHandler: () => {} },
    createWindow: (windowOptions: unknown) => {
      const window = new FakeWindow(windowOptions);
      windows.push(window);
      return window;
    },
  };
  return { electron: electron as unknown as ShellElectron, app, log, markReady, permissions, windows, opened, handled, menus, errorBoxes };
}

function fakeCore(log: string[]) {
  const stateListeners: ((state: AppState) => void)[] = [];
  const frameListeners: ((frame: PageFrame) => void)[] = [];
  // Like the core: the session's frames are kept and replayed to each new subscriber.
  const kept: PageFrame[] = [];
  let current = {} as AppState;
  let desktop: Desktop | null = null;
  const core: DesktopApp = {
    start: async () => void log.push('core start'),
    dispatch: async (operation: ApiOperation): Promise<ApiResult<unknown>> => {
      if (operation !== 'getSettings') log.push(`dispatch ${operation}`);
      return operation === 'getSettings'
        ? { ok: true, value: { serverUrl: 'https://cobrowse.example.com', agentTokenSet: true, providers: [{ issuer: 'https://login.example.org' }] } }
        : { ok: true, value: undefined };
    },
    state: () => current,
    onState: (listener) => (stateListeners.push(listener), () => {}),
    onPageFrame: (listener) => {
      for (const frame of kept) listener(frame);
      frameListeners.push(listener);
      return () => void frameListeners.splice(frameListeners.indexOf(listener), 1);
    },
    handleArgv: async (argv) => (log.push(`argv ${argv.join(' ')}`), false),
    handleOpenUrl: async (url) => (log.push(`open-url ${url}`), true),
    dispose: async () => void log.push('core dispose'),
  };
  return {
    core,
    stateListeners,
    frameListeners,
    desktop: () => desktop,
    setDesktop: (d: Desktop) => (desktop = d),
    /** The core's state changes: every state listener hears it. */
    setState: (state: AppState) => {
      current = state;
      for (const listener of stateListeners) listener(state);
    },
    /** A page frame of the session arrives. */
    pushFrame: (frame: PageFrame) => {
      kept.push(frame);
      for (const listener of [...frameListeners]) listener(frame);
    },
  };
}

let homeDir: string | undefined;
after(() => {
  if (homeDir !== undefined) rmSync(homeDir, { recursive: true, force: true });
});

const stderr: string[] = [];
const PROCESS = {
  argv: ['/opt/AgentDesk/agentdesk', '--no-sandbox'],
  execPath: '/opt/AgentDesk/agentdesk',
  platform: 'linux' as NodeJS.Platform,
  env: {} as Record<string, string | undefined>,
  stderr: { write: (text: string) => stderr.push(text) },
};

interface StartOptions {
  readonly registerScheme?: boolean;
  readonly createApp?: () => DesktopApp;
}

function start(fake: ReturnType<typeof fakeElectron>, process: typeof PROCESS & { defaultApp?: boolean } = PROCESS, startOptions: StartOptions = {}) {
  const core = fakeCore(fake.log);
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const handle = startElectronShell({
    electron: fake.electron,
    process,
    registerScheme: startOptions.registerScheme ?? true,
    preloadPath: '/app/dist/electron/preload.cjs',
    rendererDir: '/app/dist/renderer',
    logger,
    createApp: (desktop) => {
      if (startOptions.createApp) return startOptions.createApp();
      fake.log.push('core created');
      core.setDesktop(desktop);
      return core.core;
    },
  });
  return { handle, core };
}

describe('startElectronShell', () => {
  it('quits at once when another instance holds the lock', () => {
    const fake = fakeElectron({ lock: false });
    const { handle } = start(fake);
    assert.equal(handle, null);
    assert.deepEqual(fake.log, ['lock', 'quit']);
  });

  it('before ready: privileged app:// scheme, sign-in scheme, open-url and second-instance listeners', () => {
    const fake = fakeElectron();
    start(fake);
    assert.deepEqual(fake.log.slice(0, 5), [
      'lock',
      'privileged [{"scheme":"app","privileges":{"standard":true,"secure":true,"supportFetchAPI":true}}]',
      'scheme ["com.agentdesk.desktop"]',
      'on open-url',
      'on second-instance',
    ]);
    assert.ok(!fake.log.includes('core created'), 'nothing of the core before ready');
  });

  it('registers the scheme with the Electron binary and the app path in development', () => {
    const fake = fakeElectron();
    start(fake, { ...PROCESS, defaultApp: true, argv: ['/usr/lib/electron', 'dist/electron/main.js'], execPath: '/usr/lib/electron' });
    assert.ok(fake.log.includes(`scheme ${JSON.stringify(['com.agentdesk.desktop', '/usr/lib/electron', [resolve('dist/electron/main.js')]])}`));
  });

  it('queues open-url and launch argv until the core has started, then hands them over in order', async () => {
    const fake = fakeElectron();
    const { handle } = start(fake);
    const openUrl = fakeEvent();
    fake.app.emit('open-url', openUrl, 'com.agentdesk.desktop:/oauth/callback?code=c&state=s');
    assert.equal(openUrl.defaultPrevented, true);
    assert.ok(!fake.log.some((l) => l.startsWith('open-url ') || l.startsWith('argv ')));
    fake.markReady();
    await handle!.ready;
    const order = fake.log.filter((l) => l === 'core start' || l.startsWith('open-url ') || l.startsWith('argv '));
    assert.deepEqual(order, ['core start', 'argv /opt/AgentDesk/agentdesk --no-sandbox', 'open-url com.agentdesk.desktop:/oauth/callback?code=c&state=s']);
  });

  it('after ready: serves app://, opens the hardened window on the start page, pushes state and page frames to it', async () => {
    const fake = fakeElectron();
    const { handle, core } = start(fake);
    fake.markReady();
    await handle!.ready;
    assert.ok(fake.handled.has('app'));
    assert.equal(fake.windows.length, 1);
    const [window] = fake.windows;
    assert.deepEqual(window!.loaded, ['app://agentdesk/index.html']);
    const prefs = (window!.options as { webPreferences: Record<string, unknown> }).webPreferences;
    assert.equal(prefs.preload, '/app/dist/electron/preload.cjs');
    assert.equal(prefs.sandbox, true);
    const state = { signIn: { status: 'signed-out' } } as unknown as AppState;
    core.stateListeners[0]!(state);
    const frame: PageFrame = { kind: 'incremental', json: '[]', receivedAt: 2 };
    core.frameListeners[0]!(frame);
    assert.deepEqual(window!.sent, [
      [STATE_CHANNEL, state],
      [PAGE_FRAME_CHANNEL, frame],
    ]);
    assert.equal(core.desktop()?.appDataDir, '/data/userData');
  });

  it("hands a second instance's argv to the core and brings the window forward", async () => {
    const fake = fakeElectron();
    const { handle } = start(fake);
    fake.markReady();
    await handle!.ready;
    fake.app.emit('second-instance', fakeEvent(), ['/opt/AgentDesk/agentdesk', 'com.agentdesk.desktop:/oauth/callback?code=x&state=y'], '/');
    await new Promise((done) => setImmediate(done));
    assert.ok(fake.log.includes('argv /opt/AgentDesk/agentdesk com.agentdesk.desktop:/oauth/callback?code=x&state=y'));
    assert.equal(fake.windows[0]!.restored, 1);
    assert.equal(fake.windows[0]!.focused, 1);
  });

  it('denies every permission but clipboard writes, full screen and notifications from the renderer bundle', async () => {
    const fake = fakeElectron();
    const { handle } = start(fake);
    fake.markReady();
    await handle!.ready;
    const answers: boolean[] = [];
    const request = fake.permissions.request as unknown as (c: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl: string }) => void;
    request(null, 'media', (ok) => answers.push(ok), { requestingUrl: 'app://agentdesk/index.html' });
    request(null, 'clipboard-sanitized-write', (ok) => answers.push(ok), { requestingUrl: 'app://agentdesk/index.html' });
    request(null, 'clipboard-sanitized-write', (ok) => answers.push(ok), { requestingUrl: 'https://evil.example.com/' });
    request(null, 'fullscreen', (ok) => answers.push(ok), { requestingUrl: 'app://agentdesk/index.html?view=pop-out' });
    assert.deepEqual(answers, [false, true, false, true]);
    const check = fake.permissions.check as unknown as (c: unknown, p: string, origin: string, d: object) => boolean;
    assert.equal(check(null, 'geolocation', 'app://agentdesk', {}), false);
    assert.equal(check(null, 'clipboard-sanitized-write', 'app://agentdesk', {}), true);
  });

  it('keeps every web contents on app://: navigation, redirects, webviews and new windows refused', async () => {
    const fake = fakeElectron();
    const { handle } = start(fake);
    fake.markReady();
    await handle!.ready;
    const contents = new FakeContents();
    fake.app.emit('web-contents-created', fakeEvent(), contents);

    const inside = fakeEvent({ url: 'app://agentdesk/index.html' });
    contents.emit('will-navigate', inside);
    assert.equal(inside.defaultPrevented, false);

    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const away = fakeEvent({ url: 'https://evil.example.com/' });
      contents.emit(event, away);
      assert.equal(away.defaultPrevented, true, event);
    }
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview);
    assert.equal(webview.defaultPrevented, true);

    assert.deepEqual(contents.openHandler!({ url: 'https://cobrowse.example.com/help' }), { action: 'deny' });
    assert.deepEqual(contents.openHandler!({ url: 'https://evil.example.com/' }), { action: 'deny' });
    const link = fakeEvent({ url: 'https://login.example.org/account' });
    contents.emit('will-navigate', link);
    await new Promise((done) => setTimeout(done, 10));
    assert.deepEqual(fake.opened, ['https://cobrowse.example.com/help', 'https://login.example.org/account'], 'only configured hosts reach the system browser');
  });

  it('disposes the core before quitting', async () => {
    const fake = fakeElectron();
    const { handle } = start(fake);
    fake.markReady();
    await handle!.ready;
    const quit = fakeEvent();
    fake.app.emit('before-quit', quit);
    assert.equal(quit.defaultPrevented, true);
    await new Promise((done) => setTimeout(done, 10));
    assert.deepEqual(fake.log.slice(-2), ['core dispose', 'quit']);
    const again = fakeEvent();
    fake.app.emit('before-quit', again);
    assert.equal(again.defaultPrevented, false);
  });

  it('on Windows sets the AppUserModelID of the installer shortcuts before ready; elsewhere not', () => {
    const windows = fakeElectron();
    start(windows, { ...PROCESS, platform: 'win32' });
    assert.ok(windows.log.indexOf('app user model id com.agentdesk.desktop') < windows.log.indexOf('on open-url'));
    const linux = fakeElectron();
    start(linux);
    assert.ok(!linux.log.some((l) => l.startsWith('app user model id')));
  });

  it('registers the app path, not the switches before it, in development', () => {
    const fake = fakeElectron();
    start(fake, { ...PROCESS, defaultApp: true, argv: ['/usr/lib/electron', '--inspect=0', '--remote-debugging-port=0', 'dist/electron/main.js'], execPath: '/usr/lib/electron' });
    assert.ok(fake.log.includes(`scheme ${JSON.stringify(['com.agentdesk.desktop', '/usr/lib/electron', [resolve('dist/electron/main.js')]])}`), fake.log.join('\n'));
  });

  it('leaves the OS scheme handler alone when registration is off (AGENTDESK_SCHEME_REGISTRATION=off)', () => {
    const fake = fakeElectron();
    start(fake, PROCESS, { registerScheme: false });
    assert.ok(!fake.log.some((l) => l.startsWith('scheme ')));
  });

  it("from an AppImage, writes the user's desktop entry with the AppImage path before registering the scheme", () => {
    const fake = fakeElectron();
    const home = fake.electron.app.getPath('home');
    const dataHome = join(home, 'xdg-data');
    start(fake, { ...PROCESS, env: { APPIMAGE: '/home/agent/Apps/AgentDesk 0.1.0.AppImage', XDG_DATA_HOME: dataHome } });
    const entry = readFileSync(join(dataHome, 'applications', 'agentdesk.desktop'), 'utf8');
    assert.match(entry, /^Exec="\/home\/agent\/Apps\/AgentDesk 0\.1\.0\.AppImage" %U$/m);
    assert.match(entry, /^MimeType=x-scheme-handler\/com\.agentdesk\.desktop;$/m);
    assert.ok(fake.log.includes('scheme ["com.agentdesk.desktop"]'));
  });

  it('sets a menu without developer tools or reloads in a packaged build, with them in development', async () => {
    const roles = (menu: MenuItemConstructorOptions[]): string[] =>
      menu.flatMap((item) => [String(item.role ?? item.label), ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]);
    for (const packaged of [true, false]) {
      const fake = fakeElectron({ packaged });
      const { handle } = start(fake);
      fake.markReady();
      await handle!.ready;
      assert.equal(fake.menus.length, 1);
      const all = roles(fake.menus[0]!);
      assert.equal(all.includes('toggleDevTools'), !packaged, `packaged=${packaged}: ${all.join(' ')}`);
      assert.equal(all.includes('forceReload'), !packaged);
      assert.ok(all.includes('copy') && all.includes('paste') && all.includes('quit'));
    }
  });

  it('on macOS, a sign-in link (open-url) reopens a closed window and focuses an open one', async () => {
    const fake = fakeElectron();
    const { handle } = start(fake, { ...PROCESS, platform: 'darwin' });
    fake.markReady();
    await handle!.ready;
    const first = fake.windows[0]!;
    fake.app.emit('open-url', fakeEvent(), 'com.agentdesk.desktop:/oauth/callback?code=a&state=b');
    assert.equal(first.focused, 1);
    first.emit('closed');
    fake.app.emit('window-all-closed');
    assert.ok(!fake.log.includes('quit'), 'macOS apps stay running without windows');
    fake.app.emit('open-url', fakeEvent(), 'com.agentdesk.desktop:/oauth/callback?code=c&state=d');
    assert.equal(fake.windows.length, 2, 'a new window');
    assert.deepEqual(fake.windows[1]!.loaded, ['app://agentdesk/index.html']);
  });

  it('a start-up that throws shows an error box, releases the lock and exits, leaving no zombie', async () => {
    const fake = fakeElectron();
    const { handle } = start(fake, PROCESS, {
      createApp: () => {
        throw new Error('keychain module failed to load');
      },
    });
    fake.markReady();
    await assert.rejects(handle!.ready, /keychain module failed to load/);
    await new Promise((done) => setImmediate(done));
    assert.deepEqual(fake.errorBoxes, [['AgentDesk', 'AgentDesk could not start: keychain module failed to load']]);
    const tail = fake.log.slice(fake.log.indexOf('release lock'));
    assert.deepEqual(tail, ['release lock', 'exit 1']);
    assert.equal(fake.windows.length, 0);
  });
  describe('the pop-out window (the live mirror in its own window)', () => {
    const live = (mirrorWindow: 'main' | 'pop-out') => ({ signIn: { status: 'signed-in' }, session: { status: 'joined' }, mirrorWindow }) as unknown as AppState;

    async function started() {
      const fake = fakeElectron();
      const { handle, core } = start(fake);
      fake.markReady();
      await handle!.ready;
      return { fake, core, main: fake.windows[0]! };
    }

    it('opens when the state puts the view in it: the main window’s strict options and preload, the app’s pop-out route, the kept frames and every new one', async () => {
      const { fake, core, main } = await started();
      const snapshot: PageFrame = { kind: 'snapshot', json: '[1]', receivedAt: 1 };
      core.pushFrame(snapshot);
      core.setState(live('main'));
      assert.equal(fake.windows.length, 1, 'no pop-out while the view is in the main window');
      core.setState(live('pop-out'));
      assert.equal(fake.windows.length, 2);
      const popOut = fake.windows[1]!;
      assert.deepEqual(popOut.loaded, ['app://agentdesk/index.html?view=pop-out']);
      const prefs = (w: FakeWindow) => (w.options as { webPreferences: Record<string, unknown> }).webPreferences;
      assert.deepEqual(prefs(popOut), prefs(main), 'the same web preferences as the main window');
      assert.equal(prefs(popOut).preload, '/app/dist/electron/preload.cjs');
      assert.equal((popOut.options as { show: boolean }).show, false);
      // It gets the session's kept snapshot once loaded, then the frames and states both windows get.
      assert.deepEqual(popOut.sent, [[PAGE_FRAME_CHANNEL, snapshot]]);
      const next: PageFrame = { kind: 'incremental', json: '[2]', receivedAt: 2 };
      core.pushFrame(next);
      core.setState(live('pop-out'));
      assert.equal(fake.windows.length, 2, 'one pop-out, however many states say so');
      assert.deepEqual(popOut.sent.slice(1), [
        [PAGE_FRAME_CHANNEL, next],
        [STATE_CHANNEL, live('pop-out')],
      ]);
      assert.deepEqual(main.sent.slice(-2), [
        [PAGE_FRAME_CHANNEL, next],
        [STATE_CHANNEL, live('pop-out')],
      ]);
    });

    it('closes when the state takes the view back, without asking the core again; a reload of the main window gets the kept frames anew', async () => {
      const { fake, core, main } = await started();
      core.setState(live('pop-out'));
      const popOut = fake.windows[1]!;
      core.setState(live('main'));
      assert.equal(popOut.destroyed, true);
      assert.ok(!fake.log.includes('dispatch bringBackView'));
      core.pushFrame({ kind: 'incremental', json: '[3]', receivedAt: 3 });
      assert.equal(popOut.sent.filter(([channel]) => channel === PAGE_FRAME_CHANNEL).length, 0, 'a closed window is sent nothing');
      const before = main.sent.length;
      await main.loadURL('app://agentdesk/index.html');
      assert.deepEqual(main.sent.slice(before), [[PAGE_FRAME_CHANNEL, { kind: 'incremental', json: '[3]', receivedAt: 3 }]], 'replayed once after the reload');
    });

    it('closed by the agent, or with the main window, it brings the view back', async () => {
      const { fake, core, main } = await started();
      core.setState(live('pop-out'));
      fake.windows[1]!.close();
      await new Promise((done) => setImmediate(done));
      assert.deepEqual(fake.log.filter((l) => l === 'dispatch bringBackView'), ['dispatch bringBackView']);

      core.setState(live('pop-out'));
      const again = fake.windows[2]!;
      assert.equal(again.destroyed, false);
      main.close();
      assert.equal(again.destroyed, true, 'the pop-out closes with the main window');
      await new Promise((done) => setImmediate(done));
      assert.equal(fake.log.filter((l) => l === 'dispatch bringBackView').length, 2);
    });
  });
});
