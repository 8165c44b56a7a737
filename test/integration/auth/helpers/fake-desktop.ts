import type { Desktop, DesktopNetwork } from '../../../../src/desktop-port.js';

/** The Desktop port as a test drives it: URLs the service opens in the "system browser" are queued. */
export class FakeDesktop implements Desktop {
  readonly appDataDir: string;
  readonly opened: string[] = [];
  schemeRegistered = true;
  /** The shell's network stack, when a test plays the Electron shell; absent like the browser shell's. */
  network?: DesktopNetwork;
  failOpen = false;
  #waiters: ((url: string) => void)[] = [];

  constructor(appDataDir: string) {
    this.appDataDir = appDataDir;
  }

  async openExternal(url: string): Promise<void> {
    if (this.failOpen) throw new Error('no browser');
    this.opened.push(url);
    const waiter = this.#waiters.shift();
    waiter?.(url);
  }

  async isSchemeRegistered(scheme: string): Promise<boolean> {
    return this.schemeRegistered && scheme === 'com.agentdesk.desktop';
  }

  /** The next URL the service opens (or one it already opened and nobody took yet). */
  nextOpened(): Promise<string> {
    const taken = this.#taken;
    if (this.opened.length > taken) {
      this.#taken += 1;
      return Promise.resolve(this.opened[taken]!);
    }
    return new Promise((resolve) => {
      this.#waiters.push((url) => {
        this.#taken += 1;
        resolve(url);
      });
    });
  }

  #taken = 0;
}
