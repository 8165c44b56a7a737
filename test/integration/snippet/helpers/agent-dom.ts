// The agent's DOM for a run of page frames, built by the agent view's own code, the code both
// shells run: each binary frame is decoded by the desktop's decodePageFrame
// (src/cobrowse/page-frame.ts, the main process of Electron and of the browser shell) and pushed
// into the renderer's MirrorPlayer (renderer/mirror-player.ts: rrweb's Replayer, the mirror's
// resource policy), in Chromium. The shells differ only in how the decoded frame crosses to the
// renderer (Electron IPC, or the browser shell's local WebSocket), which copies it unchanged.
// Read is everything a person or a script in the agent's view could see: every document's markup
// (frames included), open shadow roots, field values and checked/selected state.
import { resolve } from 'node:path';
import type { Browser } from '@playwright/test';
import { build } from 'esbuild';
import { decodePageFrame } from '../../../../src/cobrowse/page-frame.js';
import type { PageFrame } from '../../../../common/api.js';

const ROOT = resolve(import.meta.dirname, '../../../..');

const ENTRY = `
import { MirrorPlayer } from './renderer/mirror-player.ts';
function readAll(doc) {
  const parts = [doc.documentElement ? doc.documentElement.outerHTML : ''];
  for (const el of doc.querySelectorAll('*')) {
    if (el.shadowRoot) parts.push(el.shadowRoot.innerHTML);
    if ('value' in el && typeof el.value === 'string') parts.push(el.value);
    // State a person sees but markup may not show: as "<id>:checked" / "<id>:selected".
    if (el.tagName === 'INPUT' && el.checked) parts.push(el.id + ':checked');
    if (el.tagName === 'OPTION' && el.selected) parts.push(el.id + ':selected');
    if (el.tagName === 'IFRAME' && el.contentDocument) parts.push(readAll(el.contentDocument));
  }
  return parts.join('\\n');
}
const host = document.getElementById('root');
let player = null;
window.__agentPush = (frame) => {
  player ??= new MirrorPlayer(host, () => {}, () => window.__origins);
  player.push({ ...frame, receivedAt: Date.now() });
};
window.__agentRead = async (wait, selector) => {
  // rrweb's live timer applies a batch's events at their spacing, re-timed onto this clock.
  await new Promise((r) => setTimeout(r, wait));
  const frame = host.querySelector('iframe');
  const doc = frame && frame.contentDocument;
  if (!doc) return '';
  return selector ? (doc.querySelector(selector)?.outerHTML ?? '') : readAll(doc);
};
`;

let bundled: Promise<string> | null = null;

/**
 * The agent's DOM as its view shows it: one MirrorPlayer fed every frame in order (a snapshot
 * replaces the page, as in the view); the DOM just before each later snapshot and at the end, in
 * order (the last is what it shows now). `origins`: the session's resource origins; with
 * `selector`, only that element's markup.
 */
export async function agentDom(browser: Browser, frames: readonly Buffer[], options: { origins?: readonly string[]; selector?: string } = {}): Promise<string[]> {
  const read = (wait: number): string => `window.__agentRead(${wait}, ${JSON.stringify(options.selector ?? null)})`;
  bundled ??= build({ stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' }, bundle: true, format: 'iife', write: false, target: 'es2022', logLevel: 'warning' }).then((r) => r.outputFiles[0]!.text);
  const script = await bundled;
  const decoded = frames.map((f) => decodePageFrame(f, Date.now())).filter((f): f is PageFrame => f !== null);
  const page = await browser.newPage();
  try {
    await page.setContent('<!doctype html><html><body><div id="root"></div></body></html>');
    await page.evaluate(`window.__origins = ${JSON.stringify(options.origins ?? [])}`);
    await page.addScriptTag({ content: script });
    const doms: string[] = [];
    let pending = 0;
    for (const frame of decoded) {
      if (frame.kind === 'snapshot' && pending > 0) {
        doms.push((await page.evaluate(read(pending + 500))) as string);
        pending = 0;
      }
      await page.evaluate(`window.__agentPush(${JSON.stringify({ kind: frame.kind, json: frame.json })})`);
      pending += 1;
    }
    if (pending > 0) doms.push((await page.evaluate(read(pending + 500))) as string);
    return doms;
  } finally {
    await page.close();
  }
}
