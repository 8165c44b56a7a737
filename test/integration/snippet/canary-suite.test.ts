// The privacy reviewer's canary suite: one canary (or a few) in every place co-browse products are
// known to leak, on a page with the real snippet in Chromium and a raw agent socket. Every byte the
// agent receives (raw, JSON-escaped, URL-encoded, base64) is searched, in the first snapshot and in
// the incremental events after typing, DOM changes, a route change and late masks. Positive
// controls (visible text in a frame, in a shadow root, typed in a frame) prove the capture reached
// each place, so a canary that "held" was really there to leak. The agent's DOM is built by the
// agent view's own code (decodePageFrame + the renderer's MirrorPlayer, which both shells run).
// Classes whose leak is a state rather than a string (checked/selected) are checked on the events
// and the DOM. The agent's identity is searched for in every byte the customer page receives, and
// the page address in the server's audit. The suite ends by saying how many classes it tried and
// how many held.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PageFrameKind, pageFrameKindOf } from '../../../common/protocol-constants.js';
import { startSnippetStack, type SnippetStack } from './helpers/snippet-stack.js';
import { AGENT_EMAIL, AGENT_NAME, OIDC_CLIENT, startTestIssuer, type TestIssuer } from '../../../demo/client-credentials-issuer.js';
import { AdminKeyStore } from '../../../server/store/admin-key-store.js';
import { join as joinSession, startCobrowse } from './helpers/customer-page.js';
import { agentDom } from './helpers/agent-dom.js';
import { decodeFrame, frameBytes, leakForms, serializedElement, type RrwebEvent, type SerializedNode } from './helpers/page-frames.js';

const PLACEHOLDER = '••••••••';
const AUDIENCE = 'urn:agentdesk:cobrowse';
const ADMIN_KEY = 'admin-key-for-the-canary-suite_0123456789';

const CANARY_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Canary page</title>
<script>window.AgentDeskCobrowseConfig = { maskRules: [{ urlPattern: '*/account*', selectors: ['.iban'] }, { urlPattern: '*/replaced*', selectors: ['.rep'] }] };</script>
<script src="{{COBROWSE_SERVER}}/cobrowse/snippet.js" data-server="{{COBROWSE_SERVER}}"></script>
</head><body>
<h1>Canary page</h1>
<p id="visible">Visible paragraph</p>
<div id="masked-attrs" data-cobrowse-mask title="CanaryTitle01" data-account="CanaryData02" aria-label="CanaryAria03">
  <img id="m-img" alt="CanaryAlt04" src="/none.png?CanarySrc05" width="10" height="10">
  <a id="m-link" href="/profile?u=CanaryHref06">link</a>
  <input id="m-text" placeholder="CanaryPlaceholder07" value="CanaryValueAttr08">
  <input id="m-check" type="checkbox" checked data-k="CanaryData09">
  <input id="m-radio" type="radio" name="m-r" checked><input id="m-radio2" type="radio" name="m-r">
  <select id="m-select"><option id="m-opt1" value="CanaryOption10">one</option><option id="m-opt2" value="CanaryOption11" selected>CanaryOptionText12</option><option id="m-opt3" value="CanaryOption40">three</option></select>
  <span id="m-desc" aria-description="CanaryAriaDesc13">x</span>
</div>
<input id="empty-secret" type="password" value="CanaryValueAttrPw14">
<input id="upload" type="file">
<input id="pw-before" type="password">
<input id="hidden" type="hidden" value="CanaryHidden34">
<input id="card" autocomplete="cc-number">
<div data-cobrowse-block><p>CanaryBlocked35</p></div>
<my-card id="card-host" data-cobrowse-mask></my-card>
<my-card id="plain-host"></my-card>
<div id="late">Text before the mask</div>
<div class="iban" id="iban">Visible before the route</div>
<div id="late-class">Visible before the class</div>
<div class="rep" id="rep">Visible before replaceState</div>
<iframe id="same-frame" src="/frame.html" width="300" height="80"></iframe>
<div data-cobrowse-mask><iframe id="masked-frame" src="/frame-text.html" width="300" height="40"></iframe></div>
<div id="closed-host" style="width:200px;height:30px"></div>
<iframe id="cross-frame" width="200" height="40"></iframe>
<script>
  customElements.define('my-card', class extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = this.id === 'card-host'
        ? '<p id="shadow-text">Canary' + 'ShadowText15</p><input id="shadow-input" title="Canary' + 'ShadowTitle16">'
        : '<p>Shadow visible text</p>';
    }
  });
  document.getElementById('empty-secret').value = '';
  document.getElementById('closed-host').attachShadow({ mode: 'closed' }).innerHTML = '<p>Canary' + 'Closed17</p>';
  document.getElementById('cross-frame').src = 'http://localhost:' + location.port + '/frame-text.html?session=Canary' + 'XFrame18';
</script>
</body></html>`;

const FRAME = `<!doctype html><html><body><label>Frame password <input id="frame-pw" type="password"></label>
<input id="frame-plain"><div data-cobrowse-mask id="frame-masked">Canary` + `FrameMasked19</div></body></html>`;
const FRAME_TEXT = `<!doctype html><html><body><p>Canary` + `InMaskedFrame20</p></body></html>`;

const STRICT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CanaryStrictTitle34 Strict page</title>
<script>window.AgentDeskCobrowseConfig = { privacy: 'strict', unmaskSelectors: ['.public'] };</script>
<script src="{{COBROWSE_SERVER}}/cobrowse/snippet.js" data-server="{{COBROWSE_SERVER}}"></script>
</head><body>
<p id="s-text" title="CanaryStrictTitle31">CanaryStrictText30</p>
<label>CanaryStrictLabel33 <input id="s-in"></label>
<div data-cobrowse-unmask><p>Unmasked by attribute</p></div>
<p class="public">Unmasked by selector</p>
</body></html>`;

const ALLOW_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Allowed parameters</title>
<script>window.AgentDeskCobrowseConfig = { allowQueryParams: ['step'] };</script>
<script src="{{COBROWSE_SERVER}}/cobrowse/snippet.js" data-server="{{COBROWSE_SERVER}}"></script>
</head><body><p>Step page</p></body></html>`;

interface LeakClass {
  readonly name: string;
  /** Strings that must not reach the agent (searched in every form). */
  readonly canaries: readonly string[];
  /** Leaks that are not strings (a checked state): what was found, empty when the class held. */
  readonly check?: () => readonly string[];
}

/** Every class the suite tried, in order, and whether it held: reported once at the end. */
const tally: { name: string; held: boolean }[] = [];

function agentBytes(stack: SnippetStack, from: number, to: 'agent' | 'customer' = 'agent'): { text: string; latin1: string } {
  const frames = stack.relayed.slice(from).filter((f) => f.to === to);
  const text = frames.map((f) => frameBytes(f.data).toString('utf8')).join('\n');
  const latin1 = Buffer.concat(frames.map((f) => frameBytes(f.data))).toString('latin1');
  return { text, latin1 };
}

/** Tries every class against each place the agent could read; records it; returns the leaks, with the form and place found. */
function tryClasses(classes: readonly LeakClass[], places: Record<string, { text: string; latin1: string }>): string[] {
  const leaked: string[] = [];
  for (const leakClass of classes) {
    const found: string[] = [];
    for (const [place, seen] of Object.entries(places)) {
      for (const canary of leakClass.canaries) {
        const form = leakForms(canary).find((f) => seen.text.includes(f) || seen.latin1.includes(f));
        if (form !== undefined) found.push(`"${canary}" as "${form}" in ${place}`);
      }
    }
    found.push(...(leakClass.check?.() ?? []));
    tally.push({ name: leakClass.name, held: found.length === 0 });
    if (found.length > 0) leaked.push(`${leakClass.name}: ${found.join(', ')}`);
  }
  return leaked;
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function agentFrames(stack: SnippetStack, from: number): Buffer[] {
  return stack.relayed.slice(from).flatMap((f) => (f.to === 'agent' && Buffer.isBuffer(f.data) && pageFrameKindOf(f.data[0]) !== null ? [f.data] : []));
}

function walk(node: SerializedNode, visit: (node: SerializedNode) => void): void {
  visit(node);
  for (const child of node.childNodes ?? []) walk(child, visit);
}

/** The masked fields whose checked/selected state must not travel (all inside #masked-attrs). */
const STATE_IDS = ['m-check', 'm-radio', 'm-radio2', 'm-select', 'm-opt1', 'm-opt2', 'm-opt3'];

/** What the agent's events tell of the masked fields' checked/selected state: each finding is a leak. */
function stateLeaks(events: readonly RrwebEvent[]): string[] {
  const found: string[] = [];
  const htmlIdOf = new Map<number, string>();
  const inspect = (root: SerializedNode): void =>
    walk(root, (node) => {
      const htmlId = node.attributes?.id;
      if (typeof htmlId !== 'string' || !STATE_IDS.includes(htmlId)) return;
      htmlIdOf.set(node.id, htmlId);
      for (const name of ['checked', 'selected']) if (node.attributes?.[name] !== undefined) found.push(`#${htmlId} serialized with ${name}`);
    });
  for (const event of events) {
    if (event.type === 2 && event.data.node) inspect(event.data.node);
    if (event.type !== 3) continue;
    const data = event.data as { source?: number; id?: number; isChecked?: boolean; text?: string; adds?: { node: SerializedNode }[]; attributes?: { id: number; attributes: Record<string, unknown> }[] };
    if (data.source === 0) {
      for (const add of data.adds ?? []) inspect(add.node);
      for (const change of data.attributes ?? []) {
        const htmlId = htmlIdOf.get(change.id);
        if (htmlId && ('checked' in change.attributes || 'selected' in change.attributes)) found.push(`#${htmlId}'s checked/selected attribute changed`);
      }
    }
    if (data.source === 5 && data.id !== undefined) {
      const htmlId = htmlIdOf.get(data.id);
      if (htmlId && data.isChecked === true) found.push(`an input event says #${htmlId} is checked`);
      if (htmlId === 'm-select' && data.text !== undefined && data.text !== '' && data.text !== PLACEHOLDER) found.push(`an input event says #m-select is "${data.text}"`);
    }
  }
  return found;
}

/** What the agent's DOM shows of that state (agent-dom.ts writes "<id>:checked" / "<id>:selected"; m-opt1 is the default). */
function domStateLeaks(doms: readonly string[]): string[] {
  const shown = ['m-check:checked', 'm-radio:checked', 'm-radio2:checked', 'm-opt2:selected', 'm-opt3:selected'];
  return shown.filter((s) => doms.some((d) => d.includes(s))).map((s) => `the agent's DOM shows ${s}`);
}

async function sessionHistory(stack: SnippetStack, sessionId: string): Promise<string> {
  const res = await fetch(`${stack.server.url}/cobrowse/rest/history/sessions/${sessionId}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  assert.equal(res.status, 200, 'the administrator reads the session history');
  return res.text();
}

describe('privacy canary suite (real snippet in Chromium, raw agent socket, every byte searched)', () => {
  let stack: SnippetStack;
  let idp: TestIssuer;
  before(async () => {
    idp = await startTestIssuer();
    const keys = AdminKeyStore.inMemory();
    keys.set(ADMIN_KEY);
    stack = await startSnippetStack({
      extraPages: { '/canary.html': CANARY_PAGE, '/frame.html': FRAME, '/frame-text.html': FRAME_TEXT, '/strict.html': STRICT_PAGE, '/allow.html': ALLOW_PAGE },
      // Agents with an identity (sub, e-mail, name) from a real token issuer: the customer must learn only the name.
      config: { oidc: { issuer: idp.issuer, audience: AUDIENCE } },
      agentHeaders: async () => ({ authorization: `Bearer ${await idp.accessToken(AUDIENCE)}` }),
      adminKey: (k) => keys.verify(k),
    });
  });
  after(async () => {
    await stack?.close();
    await idp?.close();
    const held = tally.filter((c) => c.held).length;
    console.log(
      `canary suite: ${tally.length} classes tried, ${held} held` + (held < tally.length ? `; leaked: ${tally.filter((c) => !c.held).map((c) => c.name).join('; ')}` : ''),
    );
  });

  it('every leak class holds: first snapshot and incremental events after typing, DOM changes, route changes and late masks', async () => {
    const from = stack.relayed.length;
    const customer = await startCobrowse(stack.browser, `${stack.site.origin}/canary.html?reset_token=CanaryQueryTok21#access_token=CanaryFragTok22`);
    const { page } = customer;
    await page.frameLocator('#same-frame').locator('#frame-pw').waitFor();
    await page.fill('#pw-before', 'CanaryPwBefore33');
    const agent = await stack.agent();
    const { snapshot } = await joinSession(agent, customer.code);
    const sessionId = stack.relayed[stack.relayed.length - 1]!.sessionId;

    const text = JSON.stringify(snapshot);
    assert.ok(text.includes('Visible paragraph') && text.includes('Shadow visible text'), 'positive control: page text and open shadow text are captured');
    // After joining: typing, DOM changes, route changes, late masks.
    const frame = page.frameLocator('#same-frame');
    await frame.locator('#frame-pw').fill('CanaryFramePw23');
    await frame.locator('#frame-plain').fill('Frame visible typing');
    await page.evaluate(`document.getElementById('card-host').shadowRoot.getElementById('shadow-text').textContent = 'Canary' + 'ShadowLater24'`);
    await page.locator('#shadow-input').fill('CanaryShadowTyped25');
    await page.fill('#m-text', 'CanaryMaskedTyped26');
    // The checkbox ends checked again and the second radio is chosen: a leaked state would say "checked".
    await page.click('#m-check');
    await page.click('#m-check');
    await page.click('#m-radio2');
    await page.selectOption('#m-select', 'CanaryOption40');
    await page.evaluate(`document.getElementById('masked-attrs').setAttribute('title', 'Canary' + 'TitleLater27')`);
    await page.setInputFiles('#upload', { name: 'CanaryFileName28.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
    await page.fill('#card', '4111222233334444');
    // replaceState to /replaced, where a rule masks .rep; away by pushState and back by popstate
    // (history.back(); the same fragment on both, so no hashchange fires), where the rule must apply
    // again; then a fragment change (hashchange).
    await page.evaluate(`history.replaceState({}, '', '/replaced?r=Canary' + 'ReplaceQuery41#Canary' + 'ReplaceFrag42')`);
    await page.evaluate(`document.getElementById('rep').textContent = 'Canary' + 'AfterReplace43'`);
    await page.evaluate(`document.getElementById('visible').textContent = 'After replaceState marker'`);
    await until('the change after replaceState to reach the agent', () => agentBytes(stack, from).text.includes('After replaceState marker'));
    await page.evaluate(`document.getElementById('rep').textContent = 'Rep cleared'`);
    await page.evaluate(`history.pushState({}, '', '/leaving#Canary' + 'ReplaceFrag42')`);
    await page.evaluate(`history.back()`);
    await page.waitForFunction(`location.pathname === '/replaced'`);
    await page.evaluate(`document.getElementById('rep').textContent = 'Canary' + 'AfterPopstate45'`);
    // Sent before the next address change (which drops the pending batch for a fresh snapshot).
    await page.evaluate(`document.getElementById('visible').textContent = 'After popstate marker'`);
    await until('the change after popstate to reach the agent', () => agentBytes(stack, from).text.includes('After popstate marker'));
    await page.evaluate(`location.hash = 'Canary' + 'Hash44'`);
    await page.waitForFunction(`location.hash === '#Canary' + 'Hash44'`);
    await page.evaluate(`document.getElementById('rep').textContent = 'Rep cleared again'`);
    // A single-page app moves to /account, where the rule masks .iban: the old text may have been
    // seen, the new text must not; an .iban added later is masked too.
    await page.evaluate(`history.pushState({}, '', '/account?token=Canary' + 'PushQuery29#frag')`);
    await page.evaluate(`document.getElementById('iban').textContent = 'Canary' + 'IbanAfterRoute30'`);
    await page.evaluate(`{ const d = document.createElement('div'); d.className = 'iban'; d.textContent = 'Canary' + 'AddedIban31'; document.body.append(d); }`);
    // An element that starts matching a rule by a class change.
    await page.evaluate(`document.getElementById('late-class').className = 'iban'`);
    await page.evaluate(`document.getElementById('late-class').textContent = 'Canary' + 'ClassRule36'`);
    // A mask added later: the agent's copy is corrected, and later text is masked.
    await page.evaluate(`document.getElementById('late').setAttribute('data-cobrowse-mask', '')`);
    await page.evaluate(`document.getElementById('late').textContent = 'Canary' + 'LateMask32'`);
    // A frame's address set later (rrweb reports the attribute change before the frame loads).
    await page.evaluate(`document.getElementById('same-frame').setAttribute('src', '/frame.html?session=Canary' + 'FrameSrc39')`);
    await page.evaluate(`document.getElementById('visible').textContent = 'Done marker'`);
    await until('the last change to reach the agent', () => agentBytes(stack, from).text.includes('Done marker'));
    await until('the frame typing to reach the agent', () => agentBytes(stack, from).text.includes('Frame visible typing'));

    const seen = agentBytes(stack, from);
    assert.ok(seen.text.includes('Frame visible typing'), 'positive control: typing in the same-origin frame is captured');
    const frames = agentFrames(stack, from);
    const events = frames.flatMap((f) => decodeFrame(f).events);
    // The agent's DOM, as the agent view builds it (the renderer's MirrorPlayer), one snapshot after another.
    const doms = await agentDom(stack.browser, frames, { origins: [stack.site.origin] });
    const dom = doms.join('\n');
    const shownNow = doms.at(-1) ?? '';
    assert.ok(dom.includes('Done marker') && dom.includes('Frame visible typing'), 'positive control: the replayed DOM shows the last change and the frame typing');
    assert.ok(dom.includes('m-opt1:selected'), 'positive control: the DOM reader reads option state (the default first option, as nothing else is known)');
    const audit = await sessionHistory(stack, sessionId);
    assert.ok(audit.includes(`${stack.site.origin}/account`), `positive control: the audit names the pages (${audit.slice(0, 300)})`);
    // The customer side: every byte its socket got, and what the page itself holds.
    const { ui } = customer;
    await until('the agent-joined message to reach the page', () => agentBytes(stack, from, 'customer').text.includes('"agent-joined"'));
    const customerSeen = agentBytes(stack, from, 'customer');
    const pageHolds = `${await ui.text()}\n${(await page.evaluate('document.documentElement.outerHTML + JSON.stringify(sessionStorage) + JSON.stringify(localStorage)')) as string}`;

    const agentPlaces = { "the agent's bytes": seen, "the agent's DOM": { text: dom, latin1: '' } };
    const leaked = [
      ...tryClasses(
        [
          { name: 'password in a same-origin iframe', canaries: ['CanaryFramePw23'] },
          { name: 'masked element inside a same-origin iframe', canaries: ['CanaryFrameMasked19'] },
          { name: 'iframe inside a masked element', canaries: ['CanaryInMaskedFrame20'] },
          { name: 'open shadow root under a masked host (snapshot, later text, typing, attributes)', canaries: ['CanaryShadowText15', 'CanaryShadowTitle16', 'CanaryShadowLater24', 'CanaryShadowTyped25'] },
          { name: 'closed shadow root (a box)', canaries: ['CanaryClosed17'] },
          { name: 'iframe addresses (cross-origin frame as a box, a src set later)', canaries: ['CanaryXFrame18', 'CanaryFrameSrc39'] },
          { name: 'attributes of masked elements (title, data-*, aria-*, alt, src, href, placeholder, value, option value and text)', canaries: ['CanaryTitle01', 'CanaryData02', 'CanaryAria03', 'CanaryAlt04', 'CanarySrc05', 'CanaryHref06', 'CanaryPlaceholder07', 'CanaryValueAttr08', 'CanaryData09', 'CanaryOption10', 'CanaryOption11', 'CanaryOptionText12', 'CanaryAriaDesc13', 'CanaryOption40', 'CanaryTitleLater27'] },
          { name: 'checked/selected state of checkboxes, radios and options in a masked region', canaries: [], check: () => [...stateLeaks(events), ...domStateLeaks(doms)] },
          { name: 'typing and choosing in a masked region', canaries: ['CanaryMaskedTyped26'] },
          { name: 'value attribute of a masked field whose value is empty', canaries: ['CanaryValueAttrPw14'] },
          { name: 'file input names', canaries: ['CanaryFileName28'] },
          { name: 'page address query and fragment (Meta events, page messages)', canaries: ['CanaryQueryTok21', 'CanaryFragTok22', 'CanaryPushQuery29', 'CanaryReplaceQuery41', 'CanaryReplaceFrag42', 'CanaryHash44'] },
          { name: 'single-page app: rules re-chosen on pushState', canaries: ['CanaryIbanAfterRoute30', 'CanaryAddedIban31'] },
          { name: 'single-page app: rules re-chosen on replaceState', canaries: ['CanaryAfterReplace43'] },
          { name: 'single-page app: rules re-chosen on popstate (back)', canaries: ['CanaryAfterPopstate45'] },
          { name: 'mask added later', canaries: ['CanaryLateMask32'] },
          { name: 'element that starts matching a rule (class change)', canaries: ['CanaryClassRule36'] },
          { name: 'password typed before the agent joined (already covered)', canaries: ['CanaryPwBefore33'] },
          { name: 'hidden input (already covered)', canaries: ['CanaryHidden34'] },
          { name: 'card number by autocomplete (already covered)', canaries: ['4111222233334444'] },
          { name: 'blocked element (already covered)', canaries: ['CanaryBlocked35'] },
        ],
        agentPlaces,
      ),
      ...tryClasses(
        [{ name: "page address query and fragment in the server's audit", canaries: ['CanaryQueryTok21', 'CanaryFragTok22', 'CanaryPushQuery29', 'CanaryReplaceQuery41', 'CanaryReplaceFrag42', 'CanaryHash44'] }],
        { 'the session history': { text: audit, latin1: '' } },
      ),
      ...tryClasses([{ name: "the agent's identity (sub, e-mail) on the customer page", canaries: [OIDC_CLIENT.id, AGENT_EMAIL] }], {
        "the customer's bytes": customerSeen,
        'the customer page (UI, DOM, storage)': { text: pageHolds, latin1: '' },
      }),
    ];
    assert.deepEqual(leaked, [], 'no canary reached where it must not');
    assert.ok(customerSeen.text.includes(AGENT_NAME), "positive control: the agent's display name reached the page");

    // The page messages name the address without its query or fragment, across the route changes.
    const routed = stack.relayed
      .slice(from)
      .filter((f) => f.to === 'agent' && !f.binary)
      .map((f) => JSON.parse(f.data.toString()) as { type: string; url?: string })
      .filter((m) => m.type === 'page')
      .map((m) => m.url);
    for (const path of ['/canary.html', '/replaced', '/leaving', '/account']) assert.ok(routed.includes(`${stack.site.origin}${path}`), `the agent hears ${path} without query or fragment: ${JSON.stringify(routed)}`);
    // The late mask corrected what the agent already had: a fresh snapshot without the old text.
    const snapshots = frames.filter((f) => pageFrameKindOf(f[0]) === PageFrameKind.Snapshot);
    const last = snapshots.at(-1);
    assert.ok(snapshots.length >= 2 && last, 'a fresh snapshot followed the mask change');
    const lastText = frameBytes(last).subarray(1).toString('utf8');
    assert.ok(!lastText.includes('Text before the mask') && !lastText.includes('Visible before the class'), 'the fresh snapshot masks what the new masks cover');
    assert.ok(!shownNow.includes('Text before the mask') && !shownNow.includes('Visible before the class'), "the agent's DOM no longer shows what became masked");
    // What the first snapshot says, structurally.
    const masked = serializedElement(snapshot, 'masked-attrs');
    assert.deepEqual(Object.keys(masked.attributes ?? {}).sort(), ['aria-label', 'id', 'title'], 'a masked element keeps only structural and placeholder attributes');
    assert.equal(masked.attributes?.title, PLACEHOLDER);
    assert.equal(serializedElement(snapshot, 'empty-secret').attributes?.value, PLACEHOLDER, "a password field's value attribute is the placeholder");
    const closed = serializedElement(snapshot, 'closed-host');
    assert.deepEqual(closed.childNodes, [], 'a closed shadow host is an empty box');
    assert.equal(closed.attributes?.rr_height, '30px');
    const cross = serializedElement(snapshot, 'cross-frame');
    assert.deepEqual(Object.keys(cross.attributes ?? {}).sort(), ['id', 'rr_height', 'rr_width'], 'a cross-origin frame is a box without its address');
    assert.ok(!text.includes('CanaryQueryTok21'), 'the Meta event has no query');

    agent.close();
    await customer.context.close();
  });

  it('strict privacy mode: every text and field masked unless unmasked (attribute or selector), layout kept', async () => {
    const from = stack.relayed.length;
    const customer = await startCobrowse(stack.browser, `${stack.site.origin}/strict.html`);
    const agent = await stack.agent();
    const { snapshot } = await joinSession(agent, customer.code);
    await customer.page.fill('#s-in', 'CanaryStrictTyped32');
    await customer.page.evaluate(`document.querySelector('.public').textContent = 'Unmasked change'`);
    await until('the unmasked change', () => agentBytes(stack, from).text.includes('Unmasked change'));
    const frames = agentFrames(stack, from);
    const dom = (await agentDom(stack.browser, frames, { origins: [stack.site.origin] })).join('\n');
    assert.ok(dom.includes('Unmasked change'), "positive control: the agent's DOM shows the unmasked change");
    const leaked = tryClasses(
      [{ name: 'strict mode: text, attributes, title, labels and typing outside data-cobrowse-unmask/unmaskSelectors', canaries: ['CanaryStrictText30', 'CanaryStrictTitle31', 'CanaryStrictTyped32', 'CanaryStrictLabel33', 'CanaryStrictTitle34'] }],
      { "the agent's bytes": agentBytes(stack, from), "the agent's DOM": { text: dom, latin1: '' } },
    );
    assert.deepEqual(leaked, []);
    assert.ok(JSON.stringify(snapshot).includes('Unmasked by attribute') && JSON.stringify(snapshot).includes('Unmasked by selector'), 'unmasked regions are readable');
    const p = serializedElement(snapshot, 's-text');
    assert.equal(p.childNodes?.[0]?.textContent, PLACEHOLDER, 'the text is there, as a placeholder (layout kept)');
    agent.close();
    await customer.context.close();
  });

  it('named query parameters travel when the page config allows them; others and the fragment never do', async () => {
    const from = stack.relayed.length;
    const customer = await startCobrowse(stack.browser, `${stack.site.origin}/allow.html?step=2&token=CanaryAllowTok37#CanaryAllowFrag38`);
    const agent = await stack.agent();
    const { snapshot } = await joinSession(agent, customer.code);
    assert.equal(snapshot[0]?.data.href, `${stack.site.origin}/allow.html?step=2`, 'the Meta event keeps only the allowed parameter');
    const leaked = tryClasses([{ name: 'allowQueryParams: query and fragment outside the allowed parameters', canaries: ['CanaryAllowTok37', 'CanaryAllowFrag38'] }], { "the agent's bytes": agentBytes(stack, from) });
    assert.deepEqual(leaked, []);
    agent.close();
    await customer.context.close();
  });
});
