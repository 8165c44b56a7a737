// Helpers of the workspace end-to-end tests: the demo site (demo/site, the Northwind claim form
// with the real snippet) served to a customer window at the origin the server allows, the
// measurement of what the agent sees of the mirror, keyboard steps and the axe check.
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { SnippetUiDriver } from '../../../support/snippet-ui.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../support/chromium.js';
import { snippetUi } from '../../../support/snippet-ui.js';
import { REPO_ROOT } from '../../../integration/server/helpers/server-process.js';
import { CUSTOMER_ORIGIN } from '../../desktop/support/desktop-stack.js';

const SITE_DIR = join(REPO_ROOT, 'demo/site');
const TYPES: Readonly<Record<string, string>> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml' };

/** Launches Chromium (with the flags a public customer page needs to reach a 127.0.0.1 server). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights'],
  });
}

/** Serves demo/site at CUSTOMER_ORIGIN in `context`, its snippet tag pointing at `serverUrl`. */
export async function serveDemoSite(context: BrowserContext, serverUrl: string): Promise<void> {
  const files = new Map<string, { body: string | Buffer; type: string }>();
  for (const name of readdirSync(SITE_DIR)) {
    const type = TYPES[extname(name)];
    if (!type || name.endsWith('.ts')) continue;
    const raw = readFileSync(join(SITE_DIR, name));
    files.set(`/${name}`, { body: type.startsWith('text/html') ? raw.toString('utf8').replace(/\{\{COBROWSE_SERVER\}\}/g, serverUrl) : raw, type });
  }
  await context.route(`${CUSTOMER_ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = files.get(path === '/' ? '/index.html' : path);
    if (!file) await route.fulfill({ status: 404, body: 'not found' });
    else await route.fulfill({ status: 200, contentType: file.type, body: file.body });
  });
}

/** A customer window on the demo claim form that starts co-browse and returns the code it shows. */
export async function openCustomer(browser: Browser, serverUrl: string, viewport = { width: 1366, height: 768 }): Promise<{ page: Page; code: string; snapshotsSent: () => number }> {
  const context = await browser.newContext({ viewport });
  await serveDemoSite(context, serverUrl);
  const page = await context.newPage();
  // Full snapshots the page sends (byte 0 kind 1, bit 7 marks compression), as the network sees them.
  let snapshots = 0;
  page.on('websocket', (ws) => {
    ws.on('framesent', (frame) => {
      if (typeof frame.payload !== 'string' && ((frame.payload[0] ?? 0) & 0x7f) === 1) snapshots += 1;
    });
  });
  await page.goto(`${CUSTOMER_ORIGIN}/index.html`);
  const ui = snippetUi(page);
  await ui.click('Co-browse');
  return { page, code: await ui.code(), snapshotsSent: () => snapshots };
}

export interface MirrorMeasure {
  readonly window: { readonly width: number; readonly height: number };
  /** The visible mirror (the customer's page as shown), CSS px of the agent window. */
  readonly mirror: { readonly width: number; readonly height: number };
  /** Visible mirror area / window area. */
  readonly share: number;
  /** The mirror's scale: agent px per customer px. */
  readonly scale: number;
  /** The customer's body text (the claim form's intro paragraph) as the agent sees it, px. */
  readonly textPx: number;
}

/** Measures what the agent sees of the mirror: the visible part of the replay iframe inside every
 * ancestor that clips it, and the customer's body text (the claim form's intro) times the scale. */
const MEASURE = `(() => {
  const iframe = document.querySelector('.mirror-stage iframe');
  if (!iframe) throw new Error('no mirror iframe');
  const box = iframe.getBoundingClientRect();
  let left = Math.max(0, box.left), top = Math.max(0, box.top);
  let right = Math.min(innerWidth, box.right), bottom = Math.min(innerHeight, box.bottom);
  for (let el = iframe.parentElement; el; el = el.parentElement) {
    const style = getComputedStyle(el);
    if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
      const r = el.getBoundingClientRect();
      left = Math.max(left, r.left); top = Math.max(top, r.top);
      right = Math.min(right, r.right); bottom = Math.min(bottom, r.bottom);
    }
  }
  const width = Math.max(0, right - left), height = Math.max(0, bottom - top);
  const scale = box.width / iframe.offsetWidth;
  const intro = iframe.contentDocument && iframe.contentDocument.querySelector('#intro');
  const font = intro ? parseFloat(getComputedStyle(intro).fontSize) : NaN;
  return { window: { width: innerWidth, height: innerHeight }, mirror: { width: Math.round(width), height: Math.round(height) },
    share: (width * height) / (innerWidth * innerHeight), scale, textPx: font * scale };
})()`;

export async function measureMirror(agent: Page): Promise<MirrorMeasure> {
  return (await agent.evaluate(MEASURE)) as MirrorMeasure;
}

/** Presses Tab (or Shift+Tab) until the focused element's accessible name matches; fails after `max` presses. */
export async function tabTo(page: Page, name: RegExp, options: { back?: boolean; max?: number } = {}): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < (options.max ?? 25); i += 1) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    const focused = (await page.evaluate(`(() => { const el = document.activeElement; if (!el) return ''; return (el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].textContent) || el.textContent || '').trim(); })()`)) as string;
    if (name.test(focused)) return;
    seen.push(focused.slice(0, 40));
  }
  throw new Error(`no focus stop named ${name} within ${options.max ?? 25} presses of Tab (focused: ${JSON.stringify(seen)})`);
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

const AXE = join(REPO_ROOT, 'node_modules/axe-core/axe.min.js');

/** Runs axe-core on the page (or the part `include` selects); the serious and critical violations. */
export async function seriousViolations(page: Page, include?: string): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.addScriptTag({ path: AXE });
  const results = (await page.evaluate(`(async () => {
    const r = await axe.run(${include ? JSON.stringify({ include: [include] }) : 'document'}, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  })()`)) as (AxeViolation & { targets: string[] })[];
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * The snippet's UI lives in a closed shadow root axe cannot enter: a copy of it (its own style
 * element included) goes into an open shadow root on the page, and axe checks the copy.
 */
export async function snippetUiViolations(page: Page, ui: SnippetUiDriver): Promise<AxeViolation[]> {
  await ui.evaluate(`function () {
    document.getElementById('axe-snippet-copy')?.remove();
    const host = document.createElement('div');
    host.id = 'axe-snippet-copy';
    const real = document.getElementById('agentdesk-cobrowse-root');
    host.style.cssText = real ? real.style.cssText : '';
    host.attachShadow({ mode: 'open' }).innerHTML = this.innerHTML;
    document.body.append(host);
    return true;
  }`);
  try {
    return await seriousViolations(page, '#axe-snippet-copy');
  } finally {
    await page.evaluate(`document.getElementById('axe-snippet-copy')?.remove()`);
  }
}
