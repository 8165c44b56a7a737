// The snippet's own UI: the Co-browse launcher, the code to read aloud, the banner while an agent
// is present (with Stop, and Approve/Decline/Take back control for write mode) and the pointer
// highlight. It lives in a closed shadow root under one host element that rrweb blocks, so the
// agent never sees it and the page's scripts cannot reach into it; every control is a real button,
// usable with the keyboard, announced politely, and acts only on a person's own click or key press
// (event.isTrusted): a script on the page calling click() or dispatching events does nothing.
import type { ControlState } from '../../common/protocol.js';
import { POINTER_HIGHLIGHT_MS } from './limits.js';

export const UI_HOST_ID = 'agentdesk-cobrowse-root';

export type UiState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'starting' }
  | { readonly kind: 'waiting'; readonly code: string }
  | { readonly kind: 'active'; readonly agent: string | null; readonly control: ControlState; readonly agentAway: boolean; readonly reconnecting: boolean }
  | { readonly kind: 'message'; readonly text: string };

export interface UiHandlers {
  start(): void;
  stop(): void;
  approve(): void;
  decline(): void;
  revoke(): void;
  dismiss(): void;
}

const STYLE = `
:host { all: initial; }
.panel, .launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; font: 15px/1.4 system-ui, sans-serif; color: #111; }
.launcher { background: #0b5cad; color: #fff; border: 0; border-radius: 24px; padding: 10px 18px; font-weight: 600; cursor: pointer; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
.panel { background: #fff; border: 2px solid #0b5cad; border-radius: 10px; padding: 14px 16px; max-width: 340px; box-shadow: 0 4px 16px rgba(0,0,0,.3); }
.code { font: 700 34px/1.2 ui-monospace, monospace; letter-spacing: .08em; margin: 6px 0 10px; }
.row { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 10px; }
button.action { border-radius: 6px; padding: 7px 14px; border: 1px solid #0b5cad; background: #fff; color: #0b5cad; font: inherit; cursor: pointer; }
button.primary { background: #0b5cad; color: #fff; }
button.danger { border-color: #a40e26; color: #a40e26; }
button:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.strong { font-weight: 600; }
.highlight { position: fixed; z-index: 2147483646; pointer-events: none; border: 3px solid #f0a500; border-radius: 6px; box-shadow: 0 0 0 4px rgba(240,165,0,.35); transition: opacity .4s; }
`;

function button(label: string, className: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `action ${className}`;
  b.textContent = label;
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

export class SnippetUi {
  readonly host: HTMLElement;
  readonly #root: ShadowRoot;
  readonly #view: HTMLElement;
  readonly #handlers: UiHandlers;
  #highlightTimer: ReturnType<typeof setTimeout> | null = null;
  #highlight: HTMLElement | null = null;

  constructor(handlers: UiHandlers) {
    this.#handlers = handlers;
    this.host = document.createElement('div');
    this.host.id = UI_HOST_ID;
    // Zero-size and fixed: the blocked box the agent sees in its place takes no room.
    this.host.style.cssText = 'position:fixed;top:0;left:0;width:0;height:0;z-index:2147483647;';
    this.#root = this.host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.#view = document.createElement('div');
    this.#view.setAttribute('aria-live', 'polite');
    this.#root.append(style, this.#view);
    document.body.append(this.host);
  }

  contains(el: Element): boolean {
    return el === this.host || this.host.contains(el);
  }

  render(state: UiState): void {
    const h = this.#handlers;
    const parts: HTMLElement[] = [];
    switch (state.kind) {
      case 'idle':
        this.#view.replaceChildren(button('Co-browse', 'launcher', () => h.start()));
        return;
      case 'starting':
        parts.push(text('p', 'Starting co-browse…'));
        break;
      case 'waiting': {
        parts.push(text('div', 'Your co-browse code', 'strong'));
        const code = text('div', groupCode(state.code), 'code');
        code.setAttribute('aria-label', `Code ${state.code.split('').join(' ')}`);
        parts.push(code, text('div', 'Read this code to the agent. Nobody can see your page until an agent joins with it.'));
        parts.push(this.#row(button('Stop', 'danger', () => h.stop())));
        break;
      }
      case 'active':
        parts.push(...this.#active(state));
        break;
      case 'message':
        parts.push(text('p', state.text), this.#row(button('Close', '', () => h.dismiss())));
        break;
    }
    const panel = document.createElement('div');
    panel.className = 'panel';
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-label', 'Co-browse');
    panel.append(...parts);
    this.#view.replaceChildren(panel);
  }

  #active(state: Extract<UiState, { kind: 'active' }>): HTMLElement[] {
    const h = this.#handlers;
    // The server sends only a display name ("An agent" when the agent's token has none).
    const who = state.agent ?? 'An agent';
    if (state.reconnecting) return [text('p', 'Co-browse connection lost: reconnecting…'), this.#row(button('Stop', 'danger', () => h.stop()))];
    if (state.agentAway) return [text('p', "The agent's connection dropped. Waiting for them to come back…"), this.#row(button('Stop', 'danger', () => h.stop()))];
    const parts = [text('p', `${who} can see this page. Masked fields stay hidden from them.`, 'strong')];
    switch (state.control) {
      case 'requested':
        parts.push(text('p', 'The agent asks to click and type on this page for you.'));
        parts.push(this.#row(button('Approve', 'primary', () => h.approve()), button('Decline', '', () => h.decline()), button('Stop', 'danger', () => h.stop())));
        return parts;
      case 'granted':
        parts.push(text('p', 'The agent can click and type on this page. Submit buttons stay yours.'));
        parts.push(this.#row(button('Take back control', 'primary', () => h.revoke()), button('Stop', 'danger', () => h.stop())));
        return parts;
      case 'none':
      case 'declined':
      case 'revoked':
        parts.push(this.#row(button('Stop', 'danger', () => h.stop())));
        return parts;
    }
  }

  #row(...buttons: HTMLButtonElement[]): HTMLElement {
    const row = document.createElement('div');
    row.className = 'row';
    row.append(...buttons);
    return row;
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
    this.host.remove();
  }
}
