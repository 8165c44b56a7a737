// Drives a customer page (the demo site in Chromium) and a ws agent through a session.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { snippetUi, type SnippetUiDriver } from '../../../support/snippet-ui.js';
import type { TestSocket } from '../../server/net-helpers/ws-client.js';
import { decodeFrame, type RrwebEvent } from './page-frames.js';

export interface CustomerPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly code: string;
  /** The snippet's own UI (closed shadow root), clicked with the real mouse. */
  readonly ui: SnippetUiDriver;
}

/** Opens a site page and starts co-browse from its launcher; returns the code it shows. */
export async function startCobrowse(browser: Browser, url: string): Promise<CustomerPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  const ui = snippetUi(page);
  await ui.click('Co-browse');
  const code = await ui.code();
  return { context, page, code, ui };
}

/** The next JSON message of this type, skipping others (kept in `skipped`). */
export async function nextOfType<T = Record<string, unknown>>(socket: TestSocket, type: string, ms = 10_000, skipped: unknown[] = []): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const message = await socket.next(Math.max(1, deadline - Date.now()));
    if (message.type === type) return message as T;
    skipped.push(message);
  }
}

/** The next snapshot frame the agent gets (incremental frames before it are skipped). */
export async function nextSnapshot(socket: TestSocket, ms = 10_000): Promise<{ events: RrwebEvent[]; bytes: number }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const frame = await socket.nextBinary(Math.max(1, deadline - Date.now()));
    const decoded = decodeFrame(frame);
    if (decoded.kind === 'snapshot') return { events: decoded.events, bytes: frame.length };
  }
}

/** Joins with the code; returns the joined message and the first snapshot. */
export async function join(agent: TestSocket, code: string): Promise<{ joined: Record<string, unknown>; snapshot: RrwebEvent[]; bytes: number }> {
  agent.send({ type: 'join', code });
  const joined = await nextOfType(agent, 'joined');
  const first = await nextSnapshot(agent);
  return { joined, snapshot: first.events, bytes: first.bytes };
}

/** Waits until `predicate` holds in the page (a JS expression string: the test project has no DOM types). */
export async function waitInPage(page: Page, expression: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction(expression, undefined, { timeout });
}
