// The snippet's own UI: the Co-browse launcher, the code to read aloud (and when it expires), a
// slim bar while an agent is present ("Ada from shop.example is viewing · Stop", minimisable, with
// Approve/Decline/Take back control for write mode), a coloured frame round the page while the
// agent has control, and the pointer highlight. While the bar shows, the page gets as much bottom
// padding (and scroll padding) as the bar is tall, so every control of the page can be scrolled
// above it, also on a phone. It lives in a closed shadow root under one host element that rrweb blocks, so the
// agent never sees it and the page's scripts cannot reach into it; every control is a real button,
// usable with the keyboard, announced politely, and acts only on a person's own click or key press
// (event.isTrusted): a script on the page calling click() or dispatching events does nothing.
// The site's CSS cannot restyle it: the host's layout properties are inline and !important (inline
// important declarations beat any stylesheet's), the page's selectors do not cross the shadow root,
// and the UI sets every inherited property it relies on itself.
// Over 400 lines: launcher, bar, control frame and pointer share one shadow root, one style sheet
// and one focus order; splitting them would spread the page-isolation rules above across files.
import type { ControlState } from '../../common/protocol.js';
import { AGENT_CURSOR_IDLE_MS, ANNOTATION_SHOW_MS, POINTER_HIGHLIGHT_MS } from './limits.js';

export const UI_HOST_ID = 'agentdesk-cobrowse-root';

export type UiState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'starting' }
  /** `expiresAt`: epoch ms when the unjoined code expires, when known. */
  | { readonly kind: 'waiting'; readonly code: string; readonly expiresAt: number | null }
  /** `stalled`: nothing from the server for a while although an agent watches (a hung link). */
  | { readonly kind: 'active'; readonly agent: string | null; readonly control: ControlState; readonly agentAway: boolean; readonly reconnecting: boolean; readonly stalled: boolean }
  | { readonly kind: 'message'; readonly text: string };

export interface UiHandlers {
  start(): void;
  stop(): void;
  approve(): void;
  decline(): void;
  revoke(): void;
  dismiss(): void;
}

const BLUE = '#0b5cad';
const CONTROL_GREEN = '#1a7f37';
/** How long "The agent gave control back" stays in the bar. */
const NOTICE_MS = 6000;

// Layout properties only: text spacing stays adjustable by a person's own stylesheet (WCAG 1.4.12),
// and the page's rules do not reach inside the shadow root anyway.
const HOST_STYLE = 'position:fixed !important;top:0 !important;left:0 !important;width:0 !important;height:0 !important;z-index:2147483647 !important;display:block !important;opacity:1 !important;visibility:visible !important;filter:none !important;transform:none !important;pointer-events:auto !important;margin:0 !important;padding:0 !important;border:0 !important;clip-path:none !important;mask:none !important;contain:none !important;';

const STYLE = `
:host { all: initial; }
* { box-sizing: border-box; }
.ui { font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; text-align: left; text-transform: none; direction: ltr; visibility: visible; }
button.action { all: unset; box-sizing: border-box; display: inline-flex; align-items: center; justify-content: center; min-height: 32px; border-radius: 16px; padding: 5px 14px; border: 1px solid ${BLUE}; background: #fff; color: ${BLUE}; font: 600 14px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; cursor: pointer; white-space: nowrap; }
button.action.primary { background: ${BLUE}; color: #fff; }
button.action.danger { border-color: #a40e26; color: #a40e26; background: #fff; }
button.action:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
button.action.launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; background: ${BLUE}; color: #fff; border: 0; border-radius: 999px; padding: 10px 20px; font-size: 15px; box-shadow: 0 2px 10px rgba(0,0,0,.35); }
.card { position: fixed; right: 12px; bottom: 12px; z-index: 2147483647; max-width: min(340px, calc(100vw - 24px)); background: #fff; border: 2px solid ${BLUE}; border-radius: 12px; padding: 12px 14px; box-shadow: 0 4px 16px rgba(0,0,0,.3); }
.card p { margin: 0 0 6px; }
.code { font: 700 30px/1.2 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; letter-spacing: .08em; margin: 4px 0 6px; }
.hint { color: #3b4a5c; font-size: 13px; }
.strong { font-weight: 600; }
.row { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 8px; }
.bar { position: fixed; left: 50%; bottom: 10px; transform: translateX(-50%); z-index: 2147483647; display: flex; align-items: center; flex-wrap: nowrap; gap: 6px 10px; width: max-content; max-width: calc(100vw - 16px); padding: 6px 6px 6px 14px; border-radius: 22px; background: #10243e; color: #fff; box-shadow: 0 2px 12px rgba(0,0,0,.35); }
.bar.ask { flex-wrap: wrap; border-radius: 14px; background: #fff; color: #111; border: 2px solid ${BLUE}; }
.bar.control { background: ${CONTROL_GREEN}; }
.bar .text { flex: 1 1 auto; min-width: 0; font-size: 14px; }
.bar.ask .text { flex-basis: 12em; }
@media (max-width: 480px) { .bar .text { font-size: 13px; } .bar .extra { display: none; } }
.bar .text strong { font-weight: 700; }
.bar .buttons { display: flex; gap: 6px; flex-wrap: nowrap; flex: none; }
.bar .dot { width: 8px; height: 8px; border-radius: 50%; background: #4ade80; flex: none; }
.bar.away .dot { background: #f5b400; }
.bar button.action.quiet { border-color: transparent; background: transparent; color: inherit; padding: 5px 9px; }
.bar:not(.ask) button.action.danger { background: #fff; }
.mini { position: fixed; right: 10px; bottom: 10px; z-index: 2147483647; }
.mini button.action { background: #10243e; color: #fff; border-color: #10243e; box-shadow: 0 2px 10px rgba(0,0,0,.35); }
.mini.control button.action { background: ${CONTROL_GREEN}; border-color: ${CONTROL_GREEN}; }
.mini .dot { width: 8px; height: 8px; border-radius: 50%; background: #4ade80; margin-right: 6px; }
.control-frame { position: fixed; inset: 0; z-index: 2147483646; pointer-events: none; border: 4px solid ${CONTROL_GREEN}; }
.agent-cursor { position: fixed; left: 0; top: 0; z-index: 2147483647; pointer-events: none; display: flex; align-items: flex-start; gap: 2px; transition: transform .12s linear; }
.agent-cursor .name { margin-top: 14px; padding: 1px 6px; border-radius: 8px; background: #c2410c; color: #fff; font: 600 12px/1.4 system-ui, sans-serif; white-space: nowrap; }
.strokes { position: fixed; left: 0; top: 0; width: 100vw; height: 100vh; z-index: 2147483646; pointer-events: none; overflow: visible; }
.strokes polyline { fill: none; stroke: #c2410c; stroke-width: 4; stroke-linecap: round; stroke-linejoin: round; opacity: .9; transition: opacity .8s; }
.strokes polyline.fading { opacity: 0; }
@media (prefers-reduced-motion: reduce) { .agent-cursor, .strokes polyline { transition: none; } }
.highlight { position: fixed; z-index: 2147483646; pointer-events: none; border: 3px solid #f0a500; border-radius: 6px; box-shadow: 0 0 0 4px rgba(240,165,0,.35); transition: opacity .4s; }
@media (prefers-reduced-motion: reduce) { .highlight { transition: none; } }
`;

function button(label: string, className: string, onClick: () => void, ariaLabel?: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `action ${className}`;
  b.textContent = label;
  if (ariaLabel) b.setAttribute('aria-label', ariaLabel);
  b.addEventListener('click', (event) => {
    if (event.isTrusted) onClick();
  });
  return b;
}

function text(tag: string, value: string, className = ''): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = value;
  if (className) el.className = className;
  return el;
}

/** "123456789" → "123 456 789", easier to read aloud. */
export function groupCode(code: string): string {
  return code.replace(/(\d{3})(?=\d)/g, '$1 ');
}

/** What the customer calls this site: its og:site_name, else the host name without "www.". */
export function siteName(doc: Document, hostname: string): string {
  const named = doc.querySelector('meta[property="og:site_name"]')?.getAttribute('content')?.replace(/\s+/g, ' ').trim();
  const name = named || hostname.replace(/^www\./i, '');
  return name.length > 40 ? `${name.slice(0, 39)}…` : name;
}

/** "14:32": the local time of day, for "Expires at". */
function timeOfDay(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export class SnippetUi {
  readonly host: HTMLElement;
  readonly #root: ShadowRoot;
  readonly #view: HTMLElement;
  readonly #handlers: UiHandlers;
  #highlightTimer: ReturnType<typeof setTimeout> | null = null;
  #highlight: HTMLElement | null = null;
  #state: UiState = { kind: 'idle' };
  #minimised = false;
  #lastControl: ControlState | null = null;
  #notice: string | null = null;
  #noticeTimer: ReturnType<typeof setTimeout> | null = null;
  /** The page's own inline padding-bottom and scroll-padding-bottom, restored when the bar goes. */
  #savedPadding: { padding: string; paddingPriority: string; scroll: string; scrollPriority: string } | null = null;
  #resize: ResizeObserver | null = null;
  #cursor: HTMLElement | null = null;
  #cursorTimer: ReturnType<typeof setTimeout> | null = null;
  #strokes: SVGSVGElement | null = null;
  /** The page's scroll when each visible stroke was drawn, so strokes move with the page. */
  #strokeScroll = { x: 0, y: 0 };
  #drawingsHidden = false;
  readonly #onScroll = () => this.#placeStrokes();

  constructor(handlers: UiHandlers) {
    this.#handlers = handlers;
    this.host = document.createElement('div');
    this.host.id = UI_HOST_ID;
    // Zero-size and fixed: the blocked box the agent sees in its place takes no room. Every
    // property is set !important inline, so no stylesheet of the site can hide or restyle it.
    this.host.style.cssText = HOST_STYLE;
    this.#root = this.host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.#view = document.createElement('div');
    this.#view.className = 'ui';
    this.#view.setAttribute('aria-live', 'polite');
    this.#root.append(style, this.#view);
    document.body.append(this.host);
  }

  contains(el: Element): boolean {
    return el === this.host || this.host.contains(el);
  }

  render(state: UiState): void {
    if (state.kind === 'active') {
      this.#noteControl(state.control);
    } else {
      this.#lastControl = null;
      this.#minimised = false;
      this.#drawingsHidden = false;
      this.#cursor?.remove();
      this.#cursor = null;
      this.#clearStrokes();
    }
    this.#state = state;
    this.#draw();
  }

  /** A change of write mode the customer should hear about after it happened. */
  #noteControl(control: ControlState): void {
    const before = this.#lastControl;
    this.#lastControl = control;
    if (before === 'granted' && control === 'none') this.#flash('The agent gave control back to you.');
    else if (before === 'granted' && control === 'revoked') this.#flash('You took back control.');
    // A question for the customer is never hidden in the minimised pill.
    if (control === 'requested') this.#minimised = false;
  }

  #flash(notice: string): void {
    this.#notice = notice;
    if (this.#noticeTimer) clearTimeout(this.#noticeTimer);
    this.#noticeTimer = setTimeout(() => {
      this.#notice = null;
      this.#draw();
    }, NOTICE_MS);
  }

  #draw(): void {
    const state = this.#state;
    const h = this.#handlers;
    switch (state.kind) {
      case 'idle':
        this.#view.replaceChildren(button('Co-browse', 'launcher', () => h.start()));
        this.#reserve(null);
        return;
      case 'starting':
        this.#view.replaceChildren(this.#card([text('p', 'Starting co-browse…')]));
        this.#reserve(null);
        return;
      case 'waiting': {
        const code = text('div', groupCode(state.code), 'code');
        code.setAttribute('aria-label', `Code ${state.code.split('').join(' ')}`);
        const parts = [text('p', 'Your co-browse code', 'strong'), code, text('p', 'Read this code to the agent. Nobody can see your page until an agent joins with it.', 'hint')];
        if (state.expiresAt !== null) parts.push(text('p', `Expires at ${timeOfDay(state.expiresAt)}.`, 'hint'));
        parts.push(this.#row(button('Stop', 'danger', () => h.stop())));
        this.#view.replaceChildren(this.#card(parts));
        this.#reserve(null);
        return;
      }
      case 'message':
        this.#view.replaceChildren(this.#card([text('p', state.text), this.#row(button('Close', '', () => h.dismiss()))]));
        this.#reserve(null);
        return;
      case 'active': {
        const granted = state.control === 'granted' && !state.agentAway && !state.reconnecting;
        const nodes: HTMLElement[] = [];
        if (granted) {
          const frame = document.createElement('div');
          frame.className = 'control-frame';
          frame.setAttribute('aria-hidden', 'true');
          nodes.push(frame);
        }
        nodes.push(this.#minimised ? this.#mini(state, granted) : this.#bar(state, granted));
        this.#view.replaceChildren(...nodes);
        this.#reserve(nodes[nodes.length - 1]!);
        return;
      }
    }
  }

  #bar(state: Extract<UiState, { kind: 'active' }>, granted: boolean): HTMLElement {
    const h = this.#handlers;
    // The server sends only a display name ("An agent" when the agent's token has none).
    const who = state.agent ?? 'An agent';
    const bar = document.createElement('div');
    bar.setAttribute('role', 'region');
    bar.setAttribute('aria-label', 'Co-browse');
    const dot = document.createElement('span');
    dot.className = 'dot';
    dot.setAttribute('aria-hidden', 'true');
    const line = document.createElement('span');
    line.className = 'text';
    const buttons: HTMLButtonElement[] = [];
    let kind = 'bar';
    if (state.reconnecting) {
      kind += ' away';
      line.textContent = 'Co-browse connection lost: reconnecting…';
    } else if (state.agentAway) {
      kind += ' away';
      line.textContent = "The agent's connection dropped. Waiting for them to come back…";
    } else if (state.control === 'requested') {
      kind += ' ask';
      line.append(text('strong', who), ` asks to click and type on this page for you.`);
      buttons.push(button('Approve', 'primary', () => h.approve()), button('Decline', '', () => h.decline()));
    } else if (granted) {
      kind += ' control';
      line.append(text('strong', who), ' can click and type here.', text('span', ' Submit buttons stay yours.', 'extra'));
      buttons.push(button('Take back control', 'primary', () => h.revoke()));
    } else if (state.stalled) {
      // Only in place of "is viewing": a question or Take back control always stays on the bar.
      kind += ' away';
      line.textContent = 'Co-browse connection stalled: the agent may not see your latest changes.';
    } else {
      // A notice ("The agent gave control back to you.") stands in for the line for a few seconds.
      if (this.#notice) line.append(this.#notice);
      else line.append(text('strong', who), ` from ${siteName(document, location.hostname)} is viewing`);
    }
    bar.className = kind;
    // While a drawing shows (or drawings are hidden), the customer can hide them / show them again.
    if (this.#strokes !== null || this.#drawingsHidden) {
      buttons.push(
        button(this.#drawingsHidden ? 'Show drawings' : 'Hide drawings', 'quiet', () => {
          this.#drawingsHidden = !this.#drawingsHidden;
          if (this.#drawingsHidden) this.#clearStrokes();
          this.#draw();
        }),
      );
    }
    buttons.push(button('Stop', 'danger', () => h.stop()));
    if (state.control !== 'requested') {
      buttons.push(
        button('–', 'quiet', () => {
          this.#minimised = true;
          this.#draw();
        }, 'Minimise the co-browse bar'),
      );
    }
    const group = document.createElement('span');
    group.className = 'buttons';
    group.append(...buttons);
    bar.append(dot, line, group);
    return bar;
  }

  #mini(state: Extract<UiState, { kind: 'active' }>, granted: boolean): HTMLElement {
    const wrap = document.createElement('div');
    wrap.className = granted ? 'mini control' : 'mini';
    const who = state.agent ?? 'An agent';
    const open = button('Co-browse on', '', () => {
      this.#minimised = false;
      this.#draw();
    }, `Co-browse on: ${who} ${granted ? 'has control' : 'is viewing'}. Show the co-browse bar`);
    const dot = document.createElement('span');
    dot.className = 'dot';
    dot.setAttribute('aria-hidden', 'true');
    open.prepend(dot);
    wrap.append(open);
    return wrap;
  }

  #card(parts: HTMLElement[]): HTMLElement {
    const panel = document.createElement('div');
    panel.className = 'card';
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-label', 'Co-browse');
    panel.append(...parts);
    return panel;
  }

  #row(...buttons: HTMLButtonElement[]): HTMLElement {
    const row = document.createElement('div');
    row.className = 'row';
    row.append(...buttons);
    return row;
  }

  /**
   * Keeps room at the end of the page for the bar (or the minimised pill): bottom padding so the
   * page's last controls scroll above it, and scroll padding so a focused field is scrolled clear
   * of it. null gives the page its own values back.
   */
  #reserve(element: HTMLElement | null): void {
    const html = document.documentElement;
    this.#resize?.disconnect();
    this.#resize = null;
    if (!element) {
      if (this.#savedPadding) {
        html.style.setProperty('padding-bottom', this.#savedPadding.padding, this.#savedPadding.paddingPriority);
        html.style.setProperty('scroll-padding-bottom', this.#savedPadding.scroll, this.#savedPadding.scrollPriority);
        this.#savedPadding = null;
      }
      return;
    }
    this.#savedPadding ??= {
      padding: html.style.getPropertyValue('padding-bottom'),
      paddingPriority: html.style.getPropertyPriority('padding-bottom'),
      scroll: html.style.getPropertyValue('scroll-padding-bottom'),
      scrollPriority: html.style.getPropertyPriority('scroll-padding-bottom'),
    };
    const apply = () => {
      const room = `${Math.ceil(element.getBoundingClientRect().height) + 20}px`;
      if (html.style.getPropertyValue('padding-bottom') !== room) html.style.setProperty('padding-bottom', room, 'important');
      if (html.style.getPropertyValue('scroll-padding-bottom') !== room) html.style.setProperty('scroll-padding-bottom', room, 'important');
    };
    apply();
    if (typeof ResizeObserver === 'function') {
      this.#resize = new ResizeObserver(apply);
      this.#resize.observe(element);
    }
  }

  /** The agent's live cursor at a point of the viewport, or hidden (null). */
  cursor(at: { readonly x: number; readonly y: number } | null, who: string): void {
    if (this.#cursorTimer) clearTimeout(this.#cursorTimer);
    if (!at || this.#state.kind !== 'active') {
      this.#cursor?.remove();
      this.#cursor = null;
      return;
    }
    if (!this.#cursor) {
      const el = document.createElement('div');
      el.className = 'agent-cursor';
      el.setAttribute('aria-hidden', 'true');
      el.innerHTML = '<svg width="18" height="22" viewBox="0 0 18 22"><path d="M1 1l15 11-7 1 4 8-3 1-4-8-5 5z" fill="#c2410c" stroke="#fff" stroke-width="1.5"/></svg>';
      el.append(text('span', who, 'name'));
      this.#root.append(el);
      this.#cursor = el;
    }
    this.#cursor.style.transform = `translate(${Math.round(at.x)}px, ${Math.round(at.y)}px)`;
    this.#cursorTimer = setTimeout(() => this.cursor(null, who), AGENT_CURSOR_IDLE_MS);
  }

  /** A pen stroke of the agent (page px), shown over the page and fading; none while drawings are hidden. */
  stroke(points: readonly (readonly [number, number])[]): void {
    if (this.#state.kind !== 'active' || this.#drawingsHidden) return;
    const first = this.#strokes === null;
    if (!this.#strokes) {
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('class', 'strokes');
      svg.setAttribute('aria-hidden', 'true');
      this.#root.append(svg);
      this.#strokes = svg;
      this.#strokeScroll = { x: window.scrollX, y: window.scrollY };
      window.addEventListener('scroll', this.#onScroll, { passive: true });
    }
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    const { x: ox, y: oy } = this.#strokeScroll;
    line.setAttribute('points', points.map(([x, y]) => `${Math.round(x - ox)},${Math.round(y - oy)}`).join(' '));
    this.#strokes.append(line);
    this.#placeStrokes();
    if (first) this.#draw();
    setTimeout(() => line.classList.add('fading'), ANNOTATION_SHOW_MS);
    setTimeout(() => {
      line.remove();
      if (this.#strokes && this.#strokes.childElementCount === 0) {
        this.#clearStrokes();
        this.#draw();
      }
    }, ANNOTATION_SHOW_MS + 1000);
  }

  #placeStrokes(): void {
    if (!this.#strokes) return;
    this.#strokes.style.transform = `translate(${this.#strokeScroll.x - window.scrollX}px, ${this.#strokeScroll.y - window.scrollY}px)`;
  }

  #clearStrokes(): void {
    window.removeEventListener('scroll', this.#onScroll);
    this.#strokes?.remove();
    this.#strokes = null;
  }

  /** Shows where the agent points: a short outline around the element. */
  highlight(target: Element): void {
    const rect = target.getBoundingClientRect();
    if (!this.#highlight) {
      this.#highlight = document.createElement('div');
      this.#highlight.className = 'highlight';
      this.#highlight.setAttribute('aria-hidden', 'true');
      this.#root.append(this.#highlight);
    }
    const box = this.#highlight;
    Object.assign(box.style, { left: `${rect.left - 4}px`, top: `${rect.top - 4}px`, width: `${rect.width + 2}px`, height: `${rect.height + 2}px`, opacity: '1' });
    box.dataset.nodeVisible = 'true';
    if (this.#highlightTimer) clearTimeout(this.#highlightTimer);
    this.#highlightTimer = setTimeout(() => {
      box.style.opacity = '0';
      delete box.dataset.nodeVisible;
    }, POINTER_HIGHLIGHT_MS);
  }

  remove(): void {
    if (this.#highlightTimer) clearTimeout(this.#highlightTimer);
    if (this.#cursorTimer) clearTimeout(this.#cursorTimer);
    this.#clearStrokes();
    if (this.#noticeTimer) clearTimeout(this.#noticeTimer);
    this.#reserve(null);
    this.host.remove();
  }
}
