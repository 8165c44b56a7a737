// The mirror cannot reach out: the agent's view of a customer page whose images, fonts, CSS url(),
// srcset, stylesheet and media point at a listener on another port requests none of them; the
// same resources on an origin the server's config lists for assets load. Both listeners are on
// 127.0.0.1; the customer's own browser context never reaches them (its requests to them are
// answered by interception), so every request a listener records came from the agent's view.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium.js';
import { joinByCode } from '../../support/join-by-code.js';
import { REPO_ROOT } from '../../integration/server/helpers/server-process.js';
import { openAgentDesktop, signInThroughSystemBrowser } from '../desktop/support/agent-journey.js';
import { randomToken, startDesktopStack, type DesktopStack } from '../desktop/support/desktop-stack.js';
import { CUSTOMER_SITE } from './support/customer-site.js';

const SNIPPET = join(REPO_ROOT, 'dist/snippet/agentdesk-cobrowse.js');
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

interface Listener {
  readonly origin: string;
  /** Every request path, and every TCP connection (a preconnect opens one without a request). */
  readonly requests: string[];
  connections: number;
  close(): Promise<void>;
}

async function listen(): Promise<Listener> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const isImage = /img|srcset|bg|poster/.test(req.url ?? '');
    res.writeHead(200, { 'content-type': isImage ? 'image/gif' : req.url?.includes('css') ? 'text/css' : 'application/octet-stream', 'access-control-allow-origin': '*' });
    res.end(isImage ? GIF : '');
  });
  const listener: Listener = {
    origin: '',
    requests,
    connections: 0,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
  server.on('connection', () => (listener.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return Object.assign(listener, { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

function resourcePage(serverUrl: string, origin: string, tag: string): string {
  return `
  <style>
    @font-face { font-family: Remote${tag}; src: url(${origin}/font-${tag}.woff2); }
    .bg-${tag} { background-image: url(${origin}/bg-${tag}.gif); width: 20px; height: 20px; }
    .font-${tag} { font-family: Remote${tag}; }
    @import url(${origin}/import-${tag}.css);
  </style>
  <link rel="stylesheet" href="${origin}/style-${tag}.css">
  <link rel="preconnect" href="${origin}">
  <link rel="prefetch" href="${origin}/prefetch-${tag}">
  <img id="img-${tag}" alt="" src="${origin}/img-${tag}.gif" width="10" height="10">
  <img alt="" srcset="${origin}/srcset-${tag}.gif 1x, ${origin}/srcset2-${tag}.gif 2x" width="10" height="10">
  <div class="bg-${tag}"></div>
  <div style="background: url(${origin}/inline-bg-${tag}.gif); width: 20px; height: 20px"></div>
  <p class="font-${tag}">Text in a remote font</p>
  <video poster="${origin}/poster-${tag}.gif" width="20" height="20"></video>
  <svg width="10" height="10"><image href="${origin}/svg-img-${tag}.gif" width="10" height="10"/></svg>`;
}

function customerPage(serverUrl: string, allowed: string, other: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Resources</title></head><body>
  <h1>Page with remote resources</h1>
  ${resourcePage(serverUrl, other, 'other')}
  ${resourcePage(serverUrl, allowed, 'asset')}
  <script src="${serverUrl}/cobrowse/snippet.js" data-server="${serverUrl}"></script>
  </body></html>`;
}

describe('the mirror cannot reach out', { skip: existsSync(SNIPPET) ? false : 'the snippet is not built (npm run build:snippet)' }, () => {
  let browser: Browser;
  let stack: DesktopStack;
  let agent: Page;
  let customer: Page;
  let mirror: FrameLocator;
  let allowed: Listener;
  let other: Listener;

  before(async () => {
    allowed = await listen();
    other = await listen();
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights'],
    });
    const token = randomToken();
    stack = await startDesktopStack({ redirect: 'loopback', serverToken: token, desktopToken: token, assetOrigins: [allowed.origin] });
    agent = await openAgentDesktop(browser, stack);
    await signInThroughSystemBrowser(browser, stack, agent, 'loopback');
    await agent.getByRole('heading', { name: 'Connected to the co-browse server' }).waitFor();
    mirror = agent.frameLocator('.mirror-stage iframe');
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.route(`${CUSTOMER_SITE}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: customerPage(stack.server.url, allowed.origin, other.origin) }));
    // The customer's own browser loads its page's resources from the site, never from the listeners.
    for (const origin of [allowed.origin, other.origin]) await context.route(`${origin}/**`, (route) => route.fulfill({ status: 200, body: GIF, contentType: 'image/gif' }));
    customer = await context.newPage();
    await customer.goto(`${CUSTOMER_SITE}/claim`);
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
    await allowed?.close();
    await other?.close();
  });

  it('requests nothing from an origin outside the session and the configured assets, and loads what is inside', async () => {
    await joinByCode(customer, agent);
    await mirror.getByRole('heading', { name: 'Page with remote resources' }).waitFor({ timeout: 10_000 });
    // Positive control: the configured asset origin's image loads in the mirror.
    const deadline = Date.now() + 10_000;
    while (!allowed.requests.some((r) => r.startsWith('/img-asset')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(allowed.requests.some((r) => r.startsWith('/img-asset')), `the mirror loads the configured asset origin's image (it asked for ${JSON.stringify(allowed.requests)})`);
    await mirror.locator('#img-asset').waitFor();
    // A little longer for anything slower (fonts, prefetch) to show up at the other listener.
    await new Promise((r) => setTimeout(r, 1000));
    console.log(`asset origin: ${allowed.requests.length} requests (${allowed.requests.join(', ')}); other origin: ${other.requests.length} requests, ${other.connections} connections`);
    assert.deepEqual(other.requests, [], 'the mirror requested nothing from an origin it was not allowed');
    assert.equal(other.connections, 0, 'not even a connection (preconnect)');
  });
});
