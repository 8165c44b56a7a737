// The customer's site for the live end-to-end tests, served to Chromium at the origin the server
// allows (https://shop.example.test) by request interception: a claim form with masked and locked
// fields, hostile markup that must not run in the agent's view, and a second page.
import type { BrowserContext } from '@playwright/test';

export const CUSTOMER_SITE = 'https://shop.example.test';

/**
 * Markup that would run script or navigate the agent app if the mirror let it. The customer's own
 * page must stay usable, so the scripts act only when framed (as in the mirror), and the refresh
 * <meta> gets its http-equiv after insertion (the customer page never refreshes; a snapshot of it
 * carries the full element, which a mirror would obey on insertion).
 */
const HOSTILE = `
  <script>if (window !== window.top) { window.top.postMessage('hostile-script-ran', '*'); window.top.document.title = 'PWNED'; }</script>
  <img id="hostile-img" alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onload="if (window !== window.top) window.top.document.title = 'PWNED-onload'">
  <a id="hostile-link" href="javascript:window.top.document.title='PWNED-link'">Special offer</a>
  
  <base href="https://evil.example.test/">`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>
  body { font-family: sans-serif; margin: 24px; color: #123; }
  .field { margin: 10px 0; } label { display: block; font-weight: bold; }
  input, select, textarea { font-size: 16px; padding: 4px; width: 280px; }
  #tall { height: 1400px; background: linear-gradient(#fff, #def); }
</style></head><body>${body}</body></html>`;
}

const CLAIM = page(
  'Claim form — Example Insurance',
  `<h1 id="headline">Claim form</h1>
  <p id="status">Tell us what happened.</p>
  <form id="claim" onsubmit="return false">
    <div class="field"><label for="name">Full name</label><input id="name" name="name" autocomplete="name"></div>
    <div class="field"><label for="password">Password</label><input id="password" type="password" name="password"></div>
    <div class="field"><label for="secret-note">Policy PIN</label><input id="secret-note" data-cobrowse-mask name="pin"></div>
    <div class="field"><label for="kind">Claim type</label><select id="kind" name="kind"><option value="car">Car</option><option value="home">Home</option></select></div>
    <button id="submit" type="submit" data-cobrowse-lock>Submit claim</button>
  </form>
  <a id="next" href="/claim/step-2">Continue to step 2</a>
  ${HOSTILE}
  <div id="tall"></div>`,
);

const STEP_2 = page('Claim step 2 — Example Insurance', `<h1 id="headline">Step 2: photos</h1><p>Upload photos of the damage.</p>`);

/** Serves the site in this browser context. */
export async function serveCustomerSite(context: BrowserContext): Promise<void> {
  await context.route(`${CUSTOMER_SITE}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const body = path === '/claim' ? CLAIM : path === '/claim/step-2' ? STEP_2 : null;
    if (body === null) await route.fulfill({ status: 404, body: 'not found' });
    else await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body });
  });
  // Nothing else leaves the machine (the hostile refresh target included).
  await context.route(/^https:\/\/(?!shop\.example\.test)/, (route) => route.abort());
}
