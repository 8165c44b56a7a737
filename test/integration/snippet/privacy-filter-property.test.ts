// Property: whatever the tree, no text or non-structural attribute value under a masked element
// appears in what the capture emits: fast-check generates DOM trees with masked regions, open
// shadow roots and same-origin iframes; Chromium builds each one; rrweb records it through the
// snippet's own MaskPolicy and PrivacyFilter (bundled from source, the same code the snippet
// runs); then the masked parts change (text, attributes, typed values) and the incremental events
// are checked too. Every string is unique, so a leak is found wherever it lands. Strings outside
// masked regions must appear (positive control: the capture really saw the tree).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { build } from 'esbuild';
import fc from 'fast-check';
import { launchChromium } from '../../support/chromium.js';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The page side: builds a spec'd tree, records it with the snippet's filter, mutates, returns every event as JSON. */
const ENTRY = `
import { record } from '@rrweb/record';
import { MaskPolicy } from './server/snippet/masking.ts';
import { PrivacyFilter } from './server/snippet/privacy-filter.ts';
import { shareableAddress } from './server/snippet/config.ts';

const FIELDS = Object.fromEntries(['text', 'search', 'email', 'password', 'hidden', 'textarea', 'select'].map((t) => [t, true]));
const config = { server: 'http://x', maskRules: [], blockSelectors: [], lockSelectors: [], privacy: 'standard', unmaskSelectors: [], allowQueryParams: [] };

function buildInto(doc, parent, spec, later) {
  for (const node of spec) {
    if (node.kind === 'text') { parent.append(doc.createTextNode(node.text)); continue; }
    const el = doc.createElement(node.tag);
    if (node.masked) el.setAttribute('data-cobrowse-mask', '');
    for (const [name, value] of Object.entries(node.attrs)) el.setAttribute(name, value);
    if (node.tag === 'input' && node.typed) el.value = node.typed;
    parent.append(el);
    if (node.tag !== 'input' && node.tag !== 'img') buildInto(doc, el, node.children, later);
    if (node.shadow) buildInto(doc, el.attachShadow({ mode: 'open' }), node.shadow, later);
    if (node.frame && node.tag === 'iframe') {
      const fdoc = el.contentDocument;
      buildInto(fdoc, fdoc.body, node.frame, later);
    }
    if (node.later) later.push({ el, change: node.later });
  }
}

window.__record = async (spec) => {
  document.body.replaceChildren();
  const later = [];
  buildInto(document, document.body, spec, later);
  const policy = new MaskPolicy(config, location.origin + location.pathname);
  const filter = new PrivacyFilter({ policy, nodeOf: (id) => record.mirror.getNode(id), shareableAddress: (h) => shareableAddress(h, []) });
  const events = [];
  const stop = record({
    emit: (e) => { const safe = filter.apply(e); if (safe) events.push(JSON.stringify(safe)); },
    maskAllInputs: false, maskInputOptions: FIELDS, maskInputFn: policy.maskInput,
    blockSelector: '[data-cobrowse-block]', inlineStylesheet: true, recordCanvas: false, collectFonts: false, inlineImages: false, recordCrossOriginIframes: false,
  });
  // Same-origin frames are attached by rrweb once loaded: give them a turn.
  await new Promise((r) => setTimeout(r, 30));
  for (const { el, change } of later) {
    if (change.text !== undefined && el.tagName !== 'INPUT') el.append(el.ownerDocument.createTextNode(change.text));
    if (change.attr) el.setAttribute(change.attr[0], change.attr[1]);
    if (change.typed !== undefined && el.tagName === 'INPUT') { el.value = change.typed; el.dispatchEvent(new Event('input', { bubbles: true })); }
  }
  await new Promise((r) => setTimeout(r, 60));
  stop();
  policy.stop();
  return events.join('\\n');
};
`;

interface Change {
  text?: string;
  attr?: [string, string];
  typed?: string;
}
interface ElementSpec {
  kind: 'el';
  tag: string;
  masked: boolean;
  attrs: Record<string, string>;
  children: NodeSpec[];
  shadow?: NodeSpec[];
  frame?: NodeSpec[];
  typed?: string;
  later?: Change;
}
type NodeSpec = { kind: 'text'; text: string } | ElementSpec;

/** Attribute names that carry data (not the structural allowlist): their values must not leak under a mask. */
const DATA_ATTRS = ['title', 'alt', 'aria-label', 'placeholder', 'data-account', 'href', 'value', 'name', 'aria-description', 'data-x'];
const CONTAINERS = ['div', 'span', 'p', 'section', 'label', 'a', 'li'];

interface Shape {
  tag: string;
  masked: boolean;
  attrNames: string[];
  children: Shape[];
  textCount: number;
  shadow: Shape[] | null;
  frame: Shape[] | null;
  change: 'text' | 'attr' | 'typed' | null;
}

/** Trees at most `depth` levels deep (each level may also open a shadow root or a frame). */
function listAt(depth: number): fc.Arbitrary<Shape[]> {
  const below = depth === 0 ? fc.constant<Shape[]>([]) : listAt(depth - 1);
  const shape: fc.Arbitrary<Shape> = fc.record({
    tag: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...CONTAINERS) }, { weight: 1, arbitrary: fc.constantFrom('input', 'img', 'iframe', 'x-card') }),
    masked: fc.constantFrom(false, false, true),
    attrNames: fc.subarray(DATA_ATTRS, { maxLength: 3 }),
    children: below,
    textCount: fc.integer({ min: 0, max: 2 }),
    shadow: fc.option(below, { freq: 3, nil: null }),
    frame: fc.option(below, { freq: 2, nil: null }),
    change: fc.constantFrom<Shape['change']>('text', 'attr', 'typed', null, null),
  });
  return fc.array(shape, { minLength: depth === 3 ? 1 : 0, maxLength: 3 });
}
const shapeArb = listAt(3);

/** Turns a shape into a spec with unique strings: secrets under a mask, public ones elsewhere. */
function specOf(shapes: Shape[], run: number): { spec: NodeSpec[]; secrets: string[]; publics: string[] } {
  const secrets: string[] = [];
  const publics: string[] = [];
  let n = 0;
  const token = (hidden: boolean): string => {
    n += 1;
    const value = `${hidden ? 'Secret' : 'Public'}R${run}N${n}Q`;
    (hidden ? secrets : publics).push(value);
    return value;
  };
  const walk = (list: Shape[], inMask: boolean, inFrame: boolean): NodeSpec[] =>
    list.map((s): NodeSpec => {
      const masked = s.masked;
      const hidden = inMask || masked;
      const tag = s.tag === 'iframe' && inFrame ? 'div' : s.tag;
      const attrs: Record<string, string> = {};
      for (const name of s.attrNames) {
        // An href outside a mask is shown as-is; inputs' value attribute is their value.
        if (name === 'value' && tag !== 'input') continue;
        attrs[name] = token(hidden);
      }
      const el: ElementSpec = { kind: 'el', tag, masked, attrs, children: [] };
      if (tag === 'input') {
        el.typed = token(hidden);
        // The typed value replaces the value attribute's as the field's value: only the typed one is public.
        if (!hidden && attrs.value) publics.splice(publics.indexOf(attrs.value), 1);
      } else if (tag !== 'img') {
        for (let i = 0; i < s.textCount; i += 1) el.children.push({ kind: 'text', text: ` ${token(hidden)} ` });
        el.children.push(...walk(s.children, hidden, inFrame));
      }
      if (s.shadow && tag !== 'input' && tag !== 'img' && tag !== 'iframe' && tag !== 'a' && tag !== 'label' && tag !== 'li') el.shadow = walk(s.shadow, hidden, inFrame);
      if (tag === 'iframe') el.frame = walk(s.frame ?? [], hidden, true);
      // Later changes: new text, a new data attribute, typing; secrets when under a mask.
      if (s.change === 'text' && tag !== 'input' && tag !== 'img' && tag !== 'iframe') el.later = { text: token(hidden) };
      if (s.change === 'attr') el.later = { attr: ['data-later', token(hidden)] };
      if (s.change === 'typed' && tag === 'input') el.later = { typed: token(hidden) };
      return el;
    });
  const spec = walk(shapes, false, false);
  return { spec, secrets, publics };
}

describe('privacy filter property: nothing under a masked element leaves, for any tree (fast-check, Chromium)', () => {
  let browser: Browser;
  let page: Page;
  let server: Server;
  before(async () => {
    const bundle = await build({ stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' }, bundle: true, format: 'iife', write: false, target: 'es2020', logLevel: 'warning' });
    const js = bundle.outputFiles[0]!.text;
    server = createServer((req, res) => {
      if (req.url === '/probe.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(js);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>property</title><script src="/probe.js"></script></head><body></body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.evaluate(`customElements.define('x-card', class extends HTMLElement {})`);
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('holds for generated trees with masked regions, open shadow roots and same-origin iframes', async () => {
    let run = 0;
    let secretsChecked = 0;
    let publicsSeen = 0;
    await fc.assert(
      fc.asyncProperty(shapeArb, async (shapes) => {
        run += 1;
        const { spec, secrets, publics } = specOf(shapes, run);
        const emitted = (await page.evaluate(`window.__record(${JSON.stringify(spec)})`)) as string;
        const leaked = secrets.filter((s) => emitted.includes(s));
        assert.deepEqual(leaked, [], `masked strings reached the output: ${leaked.join(', ')}\nspec: ${JSON.stringify(spec)}`);
        const missing = publics.filter((s) => !emitted.includes(s));
        assert.deepEqual(missing, [], `unmasked strings should be captured (positive control): ${missing.join(', ')}\nspec: ${JSON.stringify(spec)}`);
        secretsChecked += secrets.length;
        publicsSeen += publics.length;
      }),
      { numRuns: 40, seed: Number(process.env.FC_SEED ?? Date.now() % 100_000), verbose: 1 },
    );
    console.log(`privacy property: ${run} trees, ${secretsChecked} masked strings never emitted, ${publicsSeen} unmasked strings all emitted`);
    assert.ok(secretsChecked > 100, 'the generator produced masked content to check');
  });
});
