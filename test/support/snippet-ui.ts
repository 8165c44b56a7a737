// Drives the customer snippet's own UI (launcher, code, banner buttons) the way a person does.
// Its shadow root is closed, so Playwright's locators cannot see inside it; this goes through the
// Chrome DevTools Protocol instead (which can), reads the buttons' positions and clicks them with
// the real mouse, so the snippet gets trusted events exactly as from a person's hand.
import type { CDPSession, Page } from '@playwright/test';

const HOST = '#agentdesk-cobrowse-root';
const POLL_MS = 50;

/** Runs in the page with `this` = the snippet's shadow root: the button whose accessible name is `name`. */
const FIND_BUTTON = `function (name) {
  const button = [...this.querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim() === name);
  if (!button) return null;
  const r = button.getBoundingClientRect();
  return r.width > 0 && r.height > 0 ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : null;
}`;

export class SnippetUiDriver {
  readonly #page: Page;
  #cdp: Promise<CDPSession> | null = null;

  constructor(page: Page) {
    this.#page = page;
  }

  #session(): Promise<CDPSession> {
    this.#cdp ??= this.#page.context().newCDPSession(this.#page);
    return this.#cdp;
  }

  /**
   * Calls `fn` (source text of a function) in the page's main world with `this` = the snippet's
   * closed shadow root; undefined when the snippet UI is not on the page.
   */
  async evaluate<T>(fn: string, ...args: unknown[]): Promise<T | undefined> {
    const cdp = await this.#session();
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: HOST });
    if (!nodeId) return undefined;
    const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1, pierce: true });
    const shadow = node.shadowRoots?.[0];
    if (!shadow) return undefined;
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId });
    if (!object.objectId) return undefined;
    try {
      const result = await cdp.send('Runtime.callFunctionOn', {
        objectId: object.objectId,
        functionDeclaration: fn,
        arguments: args.map((value) => ({ value })),
        returnByValue: true,
        awaitPromise: true,
      });
      if (result.exceptionDetails) throw new Error(`in the snippet UI: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
      return result.result.value as T;
    } finally {
      await cdp.send('Runtime.releaseObject', { objectId: object.objectId }).catch(() => undefined);
    }
  }

  async #until<T>(what: string, probe: () => Promise<T | null | undefined>, timeout: number): Promise<T> {
    const deadline = Date.now() + timeout;
    for (;;) {
      // The page may be between documents (a navigation): that is "not yet", not an error.
      const value = await probe().catch(() => undefined);
      if (value !== null && value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`the snippet UI never showed ${what} within ${timeout} ms (it shows: ${JSON.stringify(await this.text().catch(() => ''))})`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Clicks the snippet's button with this accessible name with the real mouse, once it is shown. */
  async click(name: string, timeout = 10_000): Promise<void> {
    const at = await this.#until(`a "${name}" button`, () => this.evaluate<{ x: number; y: number } | null>(FIND_BUTTON, name), timeout);
    await this.#page.mouse.click(at.x, at.y);
  }

  /** Waits until the snippet shows a button with this accessible name. */
  async waitForButton(name: string, timeout = 10_000): Promise<void> {
    await this.#until(`a "${name}" button`, () => this.evaluate<{ x: number; y: number } | null>(FIND_BUTTON, name), timeout);
  }

  /** How many buttons with this accessible name the snippet shows now (0 when it is not on the page). */
  async buttonCount(name: string): Promise<number> {
    const count = await this.evaluate<number>(
      `function (name) { return [...this.querySelectorAll('button')].filter((b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim() === name).length; }`,
      name,
    );
    return count ?? 0;
  }

  /** All the text the snippet UI shows now ('' when it is not on the page). */
  async text(): Promise<string> {
    return (await this.evaluate<string>('function () { return this.textContent; }')) ?? '';
  }

  /** Waits until `fn` (called as in evaluate) returns true. */
  async waitUntil(fn: string, what: string, timeout = 10_000): Promise<void> {
    await this.#until(what, async () => ((await this.evaluate<boolean>(fn)) === true ? true : null), timeout);
  }

  /** Waits until the snippet UI shows this text. */
  async waitForText(part: string, timeout = 10_000): Promise<void> {
    await this.#until(`"${part}"`, async () => ((await this.text()).includes(part) ? true : null), timeout);
  }

  /** The 9-digit code the snippet shows, read from its accessible label ("Code 1 2 3 …"). */
  async code(timeout = 10_000): Promise<string> {
    return this.#until(
      'a co-browse code',
      async () => {
        const label = await this.evaluate<string | null>(`function () { const el = this.querySelector('[aria-label^="Code "]'); return el ? el.getAttribute('aria-label') : null; }`);
        const digits = (label ?? '').replace(/\D/g, '');
        return /^\d{9}$/.test(digits) ? digits : null;
      },
      timeout,
    );
  }
}

export function snippetUi(page: Page): SnippetUiDriver {
  return new SnippetUiDriver(page);
}
