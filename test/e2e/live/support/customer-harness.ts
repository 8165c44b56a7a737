// Plays the customer's side of the co-browse protocol for the agent-side end-to-end tests: rrweb's
// own `record` runs in a real Chromium page of the customer site, its events go to this process
// and from here over a real WebSocket to the real server's /cobrowse/customer, in frames exactly as
// common/protocol.ts describes them (byte 0 kind, then the JSON text of an event array). It answers
// `agent-joined` with a fresh snapshot, echoes lag probes with its own clock, and applies actions
// only while write mode is granted, refusing masked and locked elements, like the snippet must.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import WebSocket from 'ws';
import { PageFrameKind, serverToCustomerSchema, type ActionRefusal, type AgentAction, type ServerToCustomer } from '../../../../common/protocol.js';
import { REPO_ROOT } from '../../../integration/server/helpers/server-process.js';
import { CUSTOMER_SITE } from './customer-site.js';

const RRWEB = readFileSync(join(REPO_ROOT, 'node_modules/rrweb/dist/rrweb.umd.min.cjs'), 'utf8');
/** How long events are batched before a frame is sent (the snippet batches too). */
const BATCH_MS = 40;

// Runs in the customer page after rrweb's bundle (added once the page has loaded, as a snippet's
// script would run): masks password and marked fields in the page, before any event leaves it,
// and hands every event to the test process. Starting emits Meta + FullSnapshot: a fresh snapshot.
const RECORDER = `
  window.__stopRecording = rrweb.record({
    emit: (event) => window.__cobrowseEmit(JSON.stringify(event)),
    // Every field passes through maskInputFn, which masks passwords and marked fields with a
    // fixed-length placeholder (the length must not leak) and leaves the others readable.
    maskAllInputs: true,
    maskInputFn: (text, element) =>
      element && (element.type === 'password' || element.closest('[data-cobrowse-mask]')) ? '*'.repeat(8) : text,
    maskTextSelector: '[data-cobrowse-mask]',
    recordCanvas: false,
  });
  true;`;

// Applies one action in the customer page (a string: it runs there, not here). Typing goes through
// the native value setter so frameworks see it; masked and locked elements refuse.
const APPLY_IN_PAGE = `(action) => {
  const node = rrweb.record.mirror.getNode(action.nodeId);
  if (!(node instanceof HTMLElement)) return 'TARGET_GONE';
  if (node.closest('[data-cobrowse-lock]') || (node instanceof HTMLButtonElement && node.type === 'submit')) return 'TARGET_LOCKED';
  if (node.closest('[data-cobrowse-mask]') || (node instanceof HTMLInputElement && node.type === 'password')) return 'TARGET_MASKED';
  if (action.kind === 'click') { node.click(); return null; }
  const proto = node instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : node instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value').set.call(node, action.value);
  node.dispatchEvent(new Event('input', { bubbles: true }));
  node.dispatchEvent(new Event('change', { bubbles: true }));
  return null;
}`;

export interface CustomerHarness {
  readonly page: Page;
  readonly received: ServerToCustomer[];
  /** Frames sent, with the time each was sent. */
  readonly sent: { readonly kind: 'snapshot' | 'incremental'; readonly bytes: number; readonly at: number }[];
  control(state: 'granted' | 'declined' | 'revoked'): void;
  /** The element rrweb's recorder knows by this id, described in the customer page. */
  describeNode(nodeId: number): Promise<string | null>;
  waitFor(predicate: (m: ServerToCustomer) => boolean, what: string, timeoutMs?: number): Promise<ServerToCustomer>;
  goto(path: string): Promise<void>;
  close(): Promise<void>;
}

export async function startCustomer(context: BrowserContext, serverUrl: string, session: { sessionId: string; customerSecret: string }): Promise<CustomerHarness> {
  const page = await context.newPage();
  const received: ServerToCustomer[] = [];
  const sent: CustomerHarness['sent'] = [];
  let control: string = 'none';
  let agentPresent = false;
  let batch: string[] = [];
  let batchTimer: NodeJS.Timeout | null = null;
  let snapshot: string[] | null = null;

  function sendFrame(kind: 'snapshot' | 'incremental', events: string[]): void {
    if (!agentPresent || ws.readyState !== WebSocket.OPEN || events.length === 0) return;
    const payload = Buffer.from(`[${events.join(',')}]`, 'utf8');
    ws.send(Buffer.concat([Buffer.from([kind === 'snapshot' ? PageFrameKind.Snapshot : PageFrameKind.Incremental]), payload]), { binary: true });
    sent.push({ kind, bytes: payload.length + 1, at: Date.now() });
  }

  function flush(): void {
    batchTimer = null;
    const events = batch;
    batch = [];
    sendFrame('incremental', events);
  }

  await page.exposeBinding('__cobrowseEmit', (_source, json: string) => {
    const type = (JSON.parse(json) as { type: number }).type;
    if (type === 4) {
      // Meta starts a snapshot: everything pending goes first, then Meta + FullSnapshot together.
      if (batchTimer) clearTimeout(batchTimer);
      flush();
      snapshot = [json];
      return;
    }
    if (snapshot !== null) {
      snapshot.push(json);
      if (type === 2) {
        sendFrame('snapshot', snapshot);
        snapshot = null;
      }
      return;
    }
    batch.push(json);
    batchTimer ??= setTimeout(flush, BATCH_MS);
  });

  // Opened only now: its `open` must not fire while the page is being prepared.
  const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/cobrowse/customer`, { headers: { origin: CUSTOMER_SITE } });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server never said ready; got ${JSON.stringify(received)}`)), 10_000);
    ws.once('error', reject);
    ws.once('close', (code, reason) => reject(new Error(`the customer socket closed: ${code} ${String(reason)}`)));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`the customer handshake was refused: ${res.statusCode}`)));
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', sessionId: session.sessionId, secret: session.customerSecret })));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = serverToCustomerSchema.parse(JSON.parse(String(data)));
      received.push(message);
      void handle(message).catch(() => undefined);
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
  });

  async function announcePage(): Promise<void> {
    const url = new URL(page.url());
    ws.send(JSON.stringify({ type: 'page', url: `${url.origin}${url.pathname}`, title: await page.title() }));
  }

  async function handle(message: ServerToCustomer): Promise<void> {
    switch (message.type) {
      case 'agent-joined':
        agentPresent = true;
        await page.evaluate('rrweb.record.takeFullSnapshot(true)');
        return;
      case 'agent-away':
      case 'agent-left':
        agentPresent = false;
        return;
      case 'probe':
        ws.send(JSON.stringify({ type: 'probe-echo', id: message.id, at: Date.now() }));
        return;
      case 'control':
        control = message.state;
        return;
      case 'action':
        await apply(message.id, message.action);
        return;
      default:
        return;
    }
  }

  async function apply(id: number, action: AgentAction): Promise<void> {
    if (control !== 'granted') {
      ws.send(JSON.stringify({ type: 'action-refused', id, code: 'CONTROL_NOT_GRANTED' }));
      return;
    }
    const refusal = (await page.evaluate(`(${APPLY_IN_PAGE})(${JSON.stringify(action)})`)) as ActionRefusal | null;
    if (refusal) ws.send(JSON.stringify({ type: 'action-refused', id, code: refusal }));
  }

  /** After each page load: the recorder starts (a fresh snapshot) and the server hears of the page. */
  async function load(path: string): Promise<void> {
    await page.goto(`${CUSTOMER_SITE}${path}`);
    await page.addScriptTag({ content: RRWEB });
    await page.evaluate(RECORDER);
    await announcePage();
  }

  await ready;
  await load('/claim');

  return {
    page,
    received,
    sent,
    control(state) {
      control = state;
      ws.send(JSON.stringify({ type: 'control', state }));
    },
    describeNode: async (nodeId) =>
      (await page.evaluate(`(() => { const n = rrweb.record.mirror.getNode(${Number(nodeId)}); return n instanceof Element ? n.tagName.toLowerCase() + '#' + n.id : null; })()`)) as string | null,
    async waitFor(predicate, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`the customer page never got ${what}; got: ${JSON.stringify(received.map((m) => m.type))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    goto: load,
    async close() {
      ws.close();
      await page.close();
    },
  };
}
