// The agent's DOM for a run of page frames: the events replayed with rrweb's Replayer (the one the
// agent's view uses) in Chromium, then everything a person or a script in the agent's view could
// read: every document's markup (frames included), open shadow roots, and field values.
import { resolve } from 'node:path';
import type { Browser } from '@playwright/test';
import { build } from 'esbuild';
import type { RrwebEvent } from './page-frames.js';

const ROOT = resolve(import.meta.dirname, '../../../..');

const ENTRY = `
import { Replayer } from 'rrweb';
function readAll(doc) {
  const parts = [doc.documentElement ? doc.documentElement.outerHTML : ''];
  for (const el of doc.querySelectorAll('*')) {
    if (el.shadowRoot) parts.push(el.shadowRoot.innerHTML);
    if ('value' in el && typeof el.value === 'string') parts.push(el.value);
    if (el.tagName === 'IFRAME' && el.contentDocument) parts.push(readAll(el.contentDocument));
  }
  return parts.join('\\n');
}
window.__agentDom = async (segment, selector) => {
  const root = document.getElementById('root');
  root.replaceChildren();
  // Live mode, as the agent's view plays them (renderer/mirror-player.ts), re-timed onto this
  // page's clock 1 ms apart, in their order.
  const replayer = new Replayer([], { root, liveMode: true, showWarning: false, mouseTail: false, triggerFocus: false, UNSAFE_replayCanvas: false, useVirtualDom: false });
  const now = Date.now();
  replayer.startLive(now);
  segment.forEach((event, i) => replayer.addEvent({ ...event, timestamp: now + i }));
  await new Promise((r) => setTimeout(r, segment.length + 300));
  const doc = replayer.iframe.contentDocument;
  const text = selector ? (doc.querySelector(selector)?.outerHTML ?? '') : readAll(doc);
  replayer.destroy();
  return text;
};
`;

let bundled: Promise<string> | null = null;

/**
 * The agent's DOM as its view shows it: like the view, a fresh replayer for each snapshot and the
 * events after it; the DOM of each such stretch at its end, in order (the last is what it shows now).
 * With `selector`, only that element's markup.
 */
export async function agentDom(browser: Browser, events: readonly RrwebEvent[], selector?: string): Promise<string[]> {
  bundled ??= build({ stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'js' }, bundle: true, format: 'iife', write: false, target: 'es2020', logLevel: 'warning' }).then((r) => r.outputFiles[0]!.text);
  const script = await bundled;
  const segments: RrwebEvent[][] = [];
  for (const event of events) {
    // A snapshot frame starts with Meta (type 4), then FullSnapshot.
    if (event.type === 4 || segments.length === 0) segments.push([]);
    segments.at(-1)!.push(event);
  }
  const page = await browser.newPage();
  try {
    await page.setContent('<!doctype html><html><body><div id="root"></div></body></html>');
    await page.addScriptTag({ content: script });
    const doms: string[] = [];
    for (const segment of segments) doms.push((await page.evaluate(`window.__agentDom(${JSON.stringify(segment)}, ${JSON.stringify(selector ?? null)})`)) as string);
    return doms;
  } finally {
    await page.close();
  }
}
