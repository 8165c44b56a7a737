// The customer side of one co-browse session: creates it, keeps its socket (resuming after a drop
// or a navigation within the grace), answers the server's messages, and drives capture and UI.
import { record } from '@rrweb/record';
import { assertNever } from '../../common/assert-never.js';
import { RESUME_GRACE_SECONDS } from '../../common/protocol-constants.js';
import type { ControlState, CreatedSession, CustomerToServer, ServerToCustomer, SessionEndReason } from '../../common/protocol.js';
import { applyAction } from './actions.js';
import { parseServerMessage } from './server-messages.js';
import { PageCapture } from './capture.js';
import { pageAddress, shareableAddress, type SnippetConfig } from './config.js';
import { watchClosedShadowRoots } from './closed-shadow.js';
import { closestAcross } from './composed-tree.js';
import { PrivacyFilter } from './privacy-filter.js';
import { watchAddress } from './url-watch.js';
import { AGENT_SILENT_MS, MAX_TITLE_CHARS, MAX_URL_CHARS, RECONNECT_FIRST_DELAY_MS, RECONNECT_MAX_DELAY_MS, SILENCE_CHECK_MS } from './limits.js';
import { isLocked, lockSelector } from './locking.js';
import { ALWAYS_BLOCKED, MaskPolicy } from './masking.js';
import { forgetSession, loadSession, saveSession, type StoredSession } from './stored-session.js';
import { SnippetUi, UI_HOST_ID, type UiState } from './ui.js';

/** Refusals after which this page must not try again: the session is gone or moved on. */
const FINAL_ERRORS = new Set(['SESSION_NOT_FOUND', 'SESSION_SECRET_INVALID', 'SESSION_CUSTOMER_REPLACED', 'ORIGIN_NOT_ALLOWED']);

function endText(reason: SessionEndReason): string {
  switch (reason) {
    case 'agent-left':
      return 'The agent ended co-browse.';
    case 'customer-left':
      return 'Co-browse has ended.';
    case 'agent-unreachable':
      return "The agent's connection was lost. Co-browse has ended.";
    case 'customer-unreachable':
      return 'The connection was lost. Co-browse has ended.';
    case 'expired':
      return 'No agent joined in time. Co-browse has ended.';
    case 'token-rotated':
    case 'server-shutdown':
      return 'Co-browse was stopped by the service. Co-browse has ended.';
    default:
      return assertNever(reason, 'end reason');
  }
}

export class CobrowseClient {
  readonly #config: SnippetConfig;
  readonly #ui: SnippetUi;
  readonly #policy: MaskPolicy;
  readonly #capture: PageCapture;
  readonly #locks: string;
  readonly #blocks: string;
  #session: StoredSession | null = null;
  #ws: WebSocket | null = null;
  #ready = false;
  #agent: { present: boolean; away: boolean; name: string | null } = { present: false, away: false, name: null };
  /** When this page's unjoined code expires (epoch ms); unknown after a navigation. */
  #expiresAt: number | null = null;
  #control: ControlState = 'none';
  #droppedAt: number | null = null;
  #reconnectDelay = RECONNECT_FIRST_DELAY_MS;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #final = false;
  #unloading = false;
  /** When the server last said anything (epoch ms), and whether the bar says the link is stalled. */
  #heardAt = 0;
  #stalled = false;
  #silenceCheck: ReturnType<typeof setInterval> | null = null;

  constructor(config: SnippetConfig) {
    this.#config = config;
    this.#policy = new MaskPolicy(config, pageAddress(location));
    this.#policy.trackPasswords(document);
    const frameDocs = new WeakSet<Document>();
    const filter = new PrivacyFilter({
      policy: this.#policy,
      nodeOf: (id) => record.mirror.getNode(id),
      shareableAddress: (href) => shareableAddress(href, config.allowQueryParams).slice(0, MAX_URL_CHARS),
      onFrameDocument: (doc) => {
        if (frameDocs.has(doc)) return;
        frameDocs.add(doc);
        this.#policy.trackPasswords(doc);
        if (doc.defaultView) watchClosedShadowRoots(doc.defaultView as Window & typeof globalThis);
      },
    });
    this.#locks = lockSelector(config);
    this.#blocks = [ALWAYS_BLOCKED, `#${UI_HOST_ID}`, ...config.blockSelectors].join(', ');
    this.#ui = new SnippetUi({
      start: () => void this.#start(),
      stop: () => this.#stop(),
      approve: () => this.#send({ type: 'control', state: 'granted' }),
      decline: () => this.#send({ type: 'control', state: 'declined' }),
      revoke: () => this.#revoke(),
      dismiss: () => this.#render({ kind: 'idle' }),
    });
    this.#capture = new PageCapture({
      policy: this.#policy,
      filter,
      blockSelector: this.#blocks,
      send: (frame) => this.#sendFrame(frame),
      onTooLarge: () => this.#finish('This page is too large to share with co-browse.', true),
    });
    addEventListener('pagehide', () => {
      this.#unloading = true;
    });
    // A single-page app's route change: the rules for the new address apply at once, the agent
    // hears the new address, and a fresh snapshot replaces what the old masks showed.
    watchAddress(() => {
      this.#policy.setAddress(pageAddress(location));
      this.#sendPage();
      this.#capture.recheckMasks();
    });
  }

  /** On every page load: resume this tab's session if there is one, else show the launcher. */
  init(): void {
    const stored = loadSession(this.#config.server);
    if (stored) {
      this.#session = stored;
      this.#render({ kind: 'active', agent: null, control: 'none', agentAway: false, reconnecting: true, stalled: false });
      this.#connect();
    } else {
      this.#render({ kind: 'idle' });
    }
  }

  async #start(): Promise<void> {
    this.#render({ kind: 'starting' });
    let created: CreatedSession;
    try {
      // No body and no custom header: a simple CORS request, no preflight needed.
      const res = await fetch(`${this.#config.server}/cobrowse/rest/sessions`, { method: 'POST', credentials: 'omit' });
      if (res.status !== 201) {
        const body = (await res.json().catch(() => ({}))) as { message?: unknown };
        throw new Error(typeof body.message === 'string' ? body.message : `the server answered ${res.status}`);
      }
      created = (await res.json()) as CreatedSession;
    } catch (err) {
      this.#render({ kind: 'message', text: `Co-browse could not start: ${err instanceof Error ? err.message : 'network error'}` });
      return;
    }
    this.#session = { sessionId: created.sessionId, secret: created.customerSecret, code: created.code };
    this.#final = false;
    saveSession(this.#config.server, this.#session);
    const expiresAt = Date.parse(created.expiresAt);
    this.#expiresAt = Number.isFinite(expiresAt) ? expiresAt : null;
    this.#render({ kind: 'waiting', code: created.code, expiresAt: this.#expiresAt });
    this.#connect();
  }

  #connect(): void {
    const session = this.#session;
    if (!session || this.#final) return;
    const ws = new WebSocket(`${this.#config.server.replace(/^http/, 'ws')}/cobrowse/customer`);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    ws.addEventListener('open', () => this.#send({ type: 'hello', sessionId: session.sessionId, secret: session.secret }));
    ws.addEventListener('message', (event: MessageEvent) => {
      this.#heard();
      if (typeof event.data !== 'string') return;
      const message = parseServerMessage(event.data);
      if (message) this.#onMessage(message);
    });
    ws.addEventListener('close', () => this.#onClose(ws));
  }

  #heard(): void {
    this.#heardAt = Date.now();
    this.#silenceCheck ??= setInterval(() => this.#checkSilence(), SILENCE_CHECK_MS);
    if (this.#stalled) {
      this.#stalled = false;
      this.#renderSession();
    }
  }

  /** An agent watching sends probes every 2 s: a long silence means the link is stalled. */
  #checkSilence(): void {
    const watched = this.#ready && this.#agent.present && !this.#agent.away;
    if (!watched || this.#stalled || Date.now() - this.#heardAt < AGENT_SILENT_MS) return;
    this.#stalled = true;
    this.#renderSession();
  }

  #onMessage(message: ServerToCustomer): void {
    switch (message.type) {
      case 'ready':
        this.#ready = true;
        this.#droppedAt = null;
        this.#reconnectDelay = RECONNECT_FIRST_DELAY_MS;
        this.#control = message.control ?? 'none';
        this.#sendPage();
        this.#renderSession();
        return;
      case 'agent-joined':
        this.#agent = { present: true, away: false, name: message.displayName };
        this.#capture.startStreaming();
        this.#renderSession();
        return;
      case 'agent-away':
        this.#agent = { ...this.#agent, away: true };
        this.#capture.pauseStreaming();
        this.#renderSession();
        return;
      case 'agent-left':
        this.#agent = { present: false, away: false, name: null };
        this.#capture.pauseStreaming();
        this.#renderSession();
        return;
      case 'session-ended':
        this.#finish(endText(message.reason), true);
        return;
      case 'pointer': {
        const node = record.mirror.getNode(message.nodeId);
        const el = node instanceof Element ? node : (node?.parentElement ?? null);
        if (el && !this.#ui.contains(el)) this.#ui.highlight(el);
        return;
      }
      case 'cursor':
        this.#ui.cursor(message.at ? { x: message.at[0] - window.scrollX, y: message.at[1] - window.scrollY } : null, this.#agent.name ?? 'Agent');
        return;
      case 'annotation':
        this.#ui.stroke(message.points);
        return;
      case 'snapshot-request':
        // The agent's Refresh view: a fresh full snapshot, only while someone is watching.
        if (this.#agent.present && !this.#agent.away) this.#capture.startStreaming();
        return;
      case 'control':
        this.#control = message.state;
        this.#renderSession();
        return;
      case 'action': {
        // Checked here too: after the customer revokes, nothing more is applied, even if the
        // server relayed the action before it heard the revocation.
        const refusal =
          this.#control !== 'granted'
            ? 'CONTROL_NOT_GRANTED'
            : applyAction(message.action, {
                nodeOf: (id) => record.mirror.getNode(id),
                isMasked: (el) => this.#policy.isMaskedField(el),
                isBlocked: (el) => closestAcross(el, this.#blocks) !== null,
                isLocked: (el) => isLocked(el, this.#locks),
                isOwnUi: (el) => this.#ui.contains(el),
              });
        if (refusal) this.#send({ type: 'action-refused', id: message.id, code: refusal });
        return;
      }
      case 'probe':
        this.#send({ type: 'probe-echo', id: message.id, at: Date.now() });
        return;
      case 'error':
        if (FINAL_ERRORS.has(message.code)) this.#final = true;
        if (message.code === 'SESSION_NOT_FOUND' || message.code === 'SESSION_SECRET_INVALID') this.#finish('Co-browse has ended.', true);
        return;
      default:
        assertNever(message, 'server message');
    }
  }

  #onClose(ws: WebSocket): void {
    if (this.#ws !== ws) return;
    this.#ws = null;
    this.#ready = false;
    this.#capture.pauseStreaming();
    if (this.#final || this.#unloading || !this.#session) return;
    const now = Date.now();
    this.#droppedAt ??= now;
    if (now - this.#droppedAt > RESUME_GRACE_SECONDS * 1000) {
      this.#finish(endText('customer-unreachable'), true);
      return;
    }
    this.#renderSession(true);
    this.#reconnectTimer = setTimeout(() => this.#connect(), this.#reconnectDelay);
    this.#reconnectDelay = Math.min(this.#reconnectDelay * 2, RECONNECT_MAX_DELAY_MS);
  }

  #revoke(): void {
    // Takes effect on this page at once: any action still on its way is refused.
    this.#control = 'revoked';
    this.#send({ type: 'control', state: 'revoked' });
    this.#renderSession();
  }

  #stop(): void {
    if (this.#ready) this.#send({ type: 'end' });
    this.#finish('You stopped co-browse.', true);
  }

  #finish(text: string, final: boolean): void {
    this.#final = final;
    if (this.#silenceCheck) clearInterval(this.#silenceCheck);
    this.#silenceCheck = null;
    this.#stalled = false;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#capture.stop();
    forgetSession(this.#config.server);
    this.#session = null;
    this.#agent = { present: false, away: false, name: null };
    this.#control = 'none';
    const ws = this.#ws;
    this.#ws = null;
    this.#ready = false;
    // Closed after the end message (if any) has been queued; the server closes its side too.
    if (ws && ws.readyState === WebSocket.OPEN) setTimeout(() => ws.close(1000), 100);
    this.#render({ kind: 'message', text });
  }

  #sendPage(): void {
    if (!this.#ready) return;
    // The title is page text too: hidden when its <title> is (strict mode, or a mask on it).
    const titleElement = document.querySelector('title');
    const title = titleElement && this.#policy.hides(this.#policy.regionOf(titleElement)) ? '' : document.title;
    this.#send({ type: 'page', url: shareableAddress(location.href, this.#config.allowQueryParams).slice(0, MAX_URL_CHARS), title: title.slice(0, MAX_TITLE_CHARS) });
  }

  #send(message: CustomerToServer): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(message));
  }

  #sendFrame(frame: Uint8Array<ArrayBuffer>): boolean {
    if (!this.#ready || this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(frame);
    return true;
  }

  #renderSession(reconnecting = false): void {
    if (!this.#session) return;
    if (!this.#agent.present && !reconnecting) {
      this.#render({ kind: 'waiting', code: this.#session.code, expiresAt: this.#expiresAt });
      return;
    }
    this.#render({ kind: 'active', agent: this.#agent.name, control: this.#control, agentAway: this.#agent.away, reconnecting, stalled: this.#stalled && !reconnecting });
  }

  #render(state: UiState): void {
    this.#ui.render(state);
  }
}
