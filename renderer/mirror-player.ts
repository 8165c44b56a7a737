// The customer's page, replayed live with rrweb's Replayer inside the iframe rrweb creates with
// exactly `sandbox="allow-same-origin"`: no script of the customer's page runs (no
// `allow-scripts`), it cannot navigate this app (no `allow-top-navigation`), submit forms or open
// windows; `allow-same-origin` only lets this view read the mirror's DOM to find what the agent
// clicked. The iframe never receives the agent's pointer (rrweb sets `pointer-events: none`); the
// view's own overlay takes clicks and asks `targetAt` what is under them.
//
// The frame is sized by the view (mirror-geometry.ts), not by the customer's window, so the agent
// can read at a useful scale and scroll the page on their own: the customer's scroll position is
// read from the event stream, and while the agent holds their own position (`holdScroll`) the
// customer's scrolls are not applied to the frame.
// Just over 400 lines: one class around one rrweb Replayer (frames, scroll hold, hit testing,
// protected areas); event parsing, timing, geometry and marks are already in their own modules.
import { Replayer, type eventWithTime } from 'rrweb';
import type { PageFrame } from '../common/api.js';
import { frameLagMs } from './lag.js';
import { applyMirrorPolicy } from './mirror-resource-policy.js';
import { retimeBatch } from './live-timeline.js';
import { collectBlockedIds, lockedInMirror, MASK_PLACEHOLDER, MASKED_FIELDS } from './mirror-marks.js';
import { parseFrame, RRWEB_EVENT, RRWEB_SOURCE, viewportAfter, type PageEvent, type Viewport } from './page-events.js';
import type { TargetInfo } from './write-mode.js';

export interface ScrollPosition {
  readonly x: number;
  readonly y: number;
}

export interface MirrorStatus {
  /** False until the first full snapshot has been rebuilt: nothing to show yet. */
  readonly hasPage: boolean;
  readonly viewport: Viewport | null;
  /** The customer's scroll position in their page, CSS px (from their page's events). */
  readonly scroll: ScrollPosition | null;
  /** The mirror frame's own scroll position (differs from the customer's while the agent holds one). */
  readonly frameScroll: ScrollPosition;
  /** Epoch ms (agent clock) of the latest frame. */
  readonly lastFrameAt: number | null;
  /** The agent holds their own scroll position (false: the frame follows the customer's). */
  readonly holding: boolean;
  /** Customer-to-agent delay of the latest frame, or null before the clocks are compared. */
  readonly lagMs: number | null;
  /** Frames that could not be read (shape checks failed) since the last snapshot. */
  readonly unreadableFrames: number;
}

export interface MirrorTarget {
  readonly nodeId: number;
  readonly info: TargetInfo;
  /** The element's box in the customer's viewport (CSS px of their page). */
  readonly rect: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** A field's current (mirrored, possibly masked) value; '' for other elements. */
  readonly value: string;
  /** A select's options. */
  readonly options: readonly { readonly value: string; readonly label: string }[];
  /** What a person would call it: its label, placeholder, name, or text. */
  readonly label: string;
  /** Why the customer's website keeps the agent from it, if it does. */
  readonly protection: Protection | null;
}

export type Protection = 'masked' | 'blocked' | 'locked';

/** A masked, blocked or locked area of the mirror, frame px. */
export interface ProtectedArea {
  readonly kind: Protection;
  readonly rect: MirrorTarget['rect'];
}

/** At most this many labels are drawn: a page of hundreds of masked cells gets the first ones. */
const MAX_PROTECTED_AREAS = 200;

const INTERACTIVE = 'button, a[href], input, select, textarea, label, summary, [role="button"], [role="link"], [role="checkbox"]';

function labelOf(element: Element): string {
  const doc = element.ownerDocument;
  const id = element.getAttribute('id');
  const byFor = id ? doc.querySelector(`label[for="${CSS.escape(id)}"]`) : null;
  const candidates = [
    element.getAttribute('aria-label'),
    byFor?.textContent,
    element.closest('label')?.textContent,
    element.getAttribute('placeholder'),
    element.getAttribute('name'),
    element.textContent,
  ];
  for (const text of candidates) {
    const clean = text?.replace(/\s+/g, ' ').trim();
    if (clean) return clean.slice(0, 80);
  }
  return element.tagName.toLowerCase();
}

export class MirrorPlayer {
  readonly #host: HTMLElement;
  readonly #onStatus: (status: MirrorStatus) => void;
  /** Where the mirror may load the page's resources from, read at each snapshot. */
  readonly #origins: () => readonly string[];
  #replayer: Replayer | null = null;
  #timeline = 0;
  #status: MirrorStatus = { hasPage: false, viewport: null, scroll: null, frameScroll: { x: 0, y: 0 }, lastFrameAt: null, holding: false, lagMs: null, unreadableFrames: 0 };
  /** The frame's size set by the view (customer px); null: the customer's viewport, as rrweb sets it. */
  #frameSize: { readonly width: number; readonly height: number } | null = null;
  /** The agent's own scroll position in the frame, kept against the customer's scrolls; null: follow them. */
  #held: ScrollPosition | null = null;
  /** The rrweb node id of the customer's document (its scroll events carry it). */
  #documentId: number | null = null;
  #blocked = new Set<number>();
  #detachScroll: (() => void) | null = null;
  /** The customer's clock minus the agent's, from the session's timing (null before the first echo). */
  #clockOffsetMs: number | null = null;
  /** The latest frame that arrived before the clocks were compared, to measure once they are. */
  #unmeasured: { readonly events: readonly Pick<PageEvent, 'timestamp'>[]; readonly receivedAt: number } | null = null;

  constructor(host: HTMLElement, onStatus: (status: MirrorStatus) => void, origins: () => readonly string[]) {
    this.#host = host;
    this.#onStatus = onStatus;
    this.#origins = origins;
  }

  status(): MirrorStatus {
    return this.#status;
  }

  /** Applies one frame: a snapshot replaces the page at once; a batch is added live. */
  push(frame: PageFrame): void {
    const parsed = parseFrame(frame);
    if (!parsed.ok) {
      this.#update({ unreadableFrames: this.#status.unreadableFrames + 1 });
      return;
    }
    this.#update({ lastFrameAt: frame.receivedAt });
    const measured = frameLagMs(parsed.events, frame.receivedAt, this.#clockOffsetMs);
    this.#unmeasured = measured === null ? { events: parsed.events, receivedAt: frame.receivedAt } : null;
    const lagMs = measured ?? this.#status.lagMs;
    if (parsed.kind === 'snapshot') {
      // A new page (or a fresh copy of it): shown as the customer sees it.
      this.#reset();
      this.#held = null;
      if (this.#status.holding) this.#update({ holding: false });
    } else if (this.#replayer === null) {
      // Changes to a page this view has not seen: they wait for the next snapshot.
      return;
    }
    // Re-timed onto this page's clock at arrival (see live-timeline.ts).
    const { events, last } = retimeBatch(parsed.events, Date.now(), this.#timeline);
    this.#timeline = last;
    const replayer = this.#replayer ?? this.#start(events);
    for (const event of events) replayer.addEvent(event as unknown as eventWithTime);
    const scroll = this.#track(parsed.events);
    this.#applySize();
    this.#update({
      hasPage: true,
      scroll,
      lagMs,
      viewport: viewportAfter(parsed.events, parsed.kind === 'snapshot' ? null : this.#status.viewport),
      unreadableFrames: parsed.kind === 'snapshot' ? 0 : this.#status.unreadableFrames,
    });
  }

  /**
   * The probes have compared the clocks (again): later frames are measured with this offset. The
   * join snapshot usually arrives before the first echo, and a customer who is not moving sends
   * nothing more, so the lag of the frame that came first is measured now rather than left blank
   * until the customer next does something.
   */
  clockOffsetKnown(clockOffsetMs: number): void {
    this.#clockOffsetMs = clockOffsetMs;
    if (this.#status.lagMs !== null || this.#unmeasured === null) return;
    const lagMs = frameLagMs(this.#unmeasured.events, this.#unmeasured.receivedAt, clockOffsetMs);
    this.#unmeasured = null;
    if (lagMs !== null) this.#update({ lagMs });
  }

  /** Reads the frame's scroll position again (the view polls it: rrweb scrolls smoothly). */
  refresh(): void {
    const win = this.#replayer?.iframe.contentWindow;
    if (!win) return;
    // The scroll listener puts a held position back; this catches a scroll it missed (events
    // coalesced on a busy machine), so the agent's position never stays lost.
    const held = this.#held;
    if (held && (Math.abs(win.scrollX - held.x) > 1 || Math.abs(win.scrollY - held.y) > 1)) win.scrollTo({ left: held.x, top: held.y, behavior: 'instant' });
    const frameScroll = { x: Math.round(win.scrollX), y: Math.round(win.scrollY) };
    if (frameScroll.x !== this.#status.frameScroll.x || frameScroll.y !== this.#status.frameScroll.y) this.#update({ frameScroll });
  }

  /** Sizes the replay frame (customer CSS px), kept across snapshots. */
  setFrameSize(size: { readonly width: number; readonly height: number } | null): void {
    this.#frameSize = size;
    this.#applySize();
  }

  /** The agent scrolls the mirror by (dx, dy) customer px and keeps that position. */
  scrollBy(dx: number, dy: number): void {
    const win = this.#replayer?.iframe.contentWindow;
    if (!win) return;
    win.scrollTo({ left: win.scrollX + dx, top: win.scrollY + dy, behavior: 'instant' });
    this.#held = { x: win.scrollX, y: win.scrollY };
    if (!this.#status.holding) this.#update({ holding: true });
    this.refresh();
  }

  /** The replayed document's rrweb id (what a scroll action names) and its scrollable size (customer px). */
  page(): { readonly nodeId: number; readonly width: number; readonly height: number } | null {
    const replayer = this.#replayer;
    const doc = replayer?.iframe.contentDocument;
    if (!replayer || !doc?.documentElement) return null;
    const nodeId = replayer.getMirror().getId(doc);
    return nodeId < 0 ? null : { nodeId, width: doc.documentElement.scrollWidth, height: doc.documentElement.scrollHeight };
  }

  /** A point of the frame's viewport (customer px) as a point of the customer's page (scroll added). */
  pagePoint(x: number, y: number): [number, number] | null {
    const win = this.#replayer?.iframe.contentWindow;
    return win ? [Math.round(x + win.scrollX), Math.round(y + win.scrollY)] : null;
  }

  /** Back to what the customer sees: the frame follows their scroll again. */
  follow(): void {
    this.#held = null;
    if (this.#status.holding) this.#update({ holding: false });
    const win = this.#replayer?.iframe.contentWindow;
    const scroll = this.#status.scroll;
    if (win && scroll) win.scrollTo({ left: scroll.x, top: scroll.y, behavior: 'instant' });
    this.refresh();
  }

  /** The masked, blocked and locked areas in view (frame px), for the view to label. */
  protectedAreas(): ProtectedArea[] {
    const replayer = this.#replayer;
    const doc = replayer?.iframe.contentDocument;
    if (!replayer || !doc?.documentElement) return [];
    const win = doc.defaultView;
    const height = win?.innerHeight ?? 0;
    const width = win?.innerWidth ?? 0;
    const areas: ProtectedArea[] = [];
    const add = (kind: Protection, element: Element | null) => {
      if (!element || areas.length >= MAX_PROTECTED_AREAS) return;
      const r = element.getBoundingClientRect();
      if (r.width < 2 || r.height < 2 || r.bottom < 0 || r.top > height || r.right < 0 || r.left > width) return;
      areas.push({ kind, rect: { x: r.x, y: r.y, width: r.width, height: r.height } });
    };
    for (const id of this.#blocked) {
      const node = replayer.getMirror().getNode(id);
      if (node && node.nodeType === 1) add('blocked', node as Element);
    }
    for (const field of doc.querySelectorAll('input, textarea, select')) {
      if ((field as HTMLInputElement).value === MASK_PLACEHOLDER || (field.matches(MASKED_FIELDS) && !field.closest('[data-cobrowse-mask]'))) add('masked', field);
    }
    // A masked region is labelled once, as a whole.
    for (const region of doc.querySelectorAll('[data-cobrowse-mask]')) {
      if (!region.parentElement?.closest('[data-cobrowse-mask]')) add('masked', region);
    }
    const walker = doc.createTreeWalker(doc.body ?? doc.documentElement, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text && areas.length < MAX_PROTECTED_AREAS; text = walker.nextNode()) {
      if (text.nodeValue?.trim() === MASK_PLACEHOLDER && !text.parentElement?.closest('[data-cobrowse-mask]')) add('masked', text.parentElement);
    }
    return areas;
  }

  /** The interactive elements in the frame's view, as an agent would name them (keyboard picking). */
  controls(): MirrorTarget[] {
    const replayer = this.#replayer;
    const doc = replayer?.iframe.contentDocument;
    if (!replayer || !doc) return [];
    const win = doc.defaultView;
    const height = win?.innerHeight ?? 0;
    const out: MirrorTarget[] = [];
    for (const element of doc.querySelectorAll('button, a[href], input:not([type=hidden i]), select, textarea, summary, [role="button"], [role="link"], [role="checkbox"]')) {
      const r = element.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || r.bottom < 0 || r.top > height) continue;
      const target = this.#describe(replayer, element);
      if (target) out.push(target);
      if (out.length >= MAX_PROTECTED_AREAS) break;
    }
    return out;
  }

  /** What is under a point of the customer's viewport (CSS px), as the agent would mean it. */
  targetAt(x: number, y: number): MirrorTarget | null {
    const replayer = this.#replayer;
    const doc = replayer?.iframe.contentDocument;
    if (!replayer || !doc) return null;
    const hit = doc.elementFromPoint(x, y);
    if (!hit) return null;
    const element = hit.closest(INTERACTIVE) ?? hit;
    return this.#describe(replayer, element);
  }

  /** The current box of a node (it may have moved since it was clicked), or null when it is gone. */
  rectOf(nodeId: number): MirrorTarget['rect'] | null {
    const node = this.#replayer?.getMirror().getNode(nodeId);
    if (!node || node.nodeType !== 1) return null;
    const r = (node as Element).getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  }

  destroy(): void {
    this.#reset();
  }

  #describe(replayer: Replayer, element: Element): MirrorTarget | null {
    const nodeId = replayer.getMirror().getId(element);
    if (nodeId < 0) return null;
    const tagName = element.tagName.toLowerCase();
    const r = element.getBoundingClientRect();
    const field = element as Partial<HTMLInputElement & HTMLSelectElement>;
    const options =
      tagName === 'select' && field.options
        ? Array.from(field.options, (o) => ({ value: o.value, label: o.text }))
        : [];
    return {
      nodeId,
      info: { tagName, inputType: tagName === 'input' ? (element.getAttribute('type') ?? '').toLowerCase() : '', disabled: element.hasAttribute('disabled') },
      rect: { x: r.x, y: r.y, width: r.width, height: r.height },
      value: tagName === 'input' || tagName === 'textarea' || tagName === 'select' ? String(field.value ?? '') : '',
      options,
      label: labelOf(element),
      protection: this.#protectionOf(replayer, nodeId, element),
    };
  }

  #protectionOf(replayer: Replayer, nodeId: number, element: Element): Protection | null {
    for (let el: Element | null = element; el; el = el.parentElement) {
      if (this.#blocked.has(replayer.getMirror().getId(el))) return 'blocked';
    }
    if (element.matches(MASKED_FIELDS)) return 'masked';
    if (nodeId >= 0 && (element as HTMLInputElement).value === MASK_PLACEHOLDER) return 'masked';
    if (element.textContent?.trim() === MASK_PLACEHOLDER) return 'masked';
    if (lockedInMirror(element)) return 'locked';
    return null;
  }

  /** The customer's scroll after these events; blocked nodes noted. */
  #track(events: readonly PageEvent[]): ScrollPosition | null {
    let scroll = this.#status.scroll;
    for (const event of events) {
      const data = event.data as { source?: unknown; id?: unknown; x?: unknown; y?: unknown; node?: { id?: unknown }; initialOffset?: { left?: unknown; top?: unknown }; adds?: unknown } | undefined;
      if (!data) continue;
      if (event.type === RRWEB_EVENT.FullSnapshot) {
        this.#documentId = typeof data.node?.id === 'number' ? data.node.id : null;
        this.#blocked = new Set();
        collectBlockedIds(data.node, this.#blocked);
        const left = data.initialOffset?.left;
        const top = data.initialOffset?.top;
        scroll = { x: typeof left === 'number' ? left : 0, y: typeof top === 'number' ? top : 0 };
      } else if (event.type === RRWEB_EVENT.IncrementalSnapshot) {
        if (data.source === RRWEB_SOURCE.Scroll && data.id === this.#documentId && typeof data.x === 'number' && typeof data.y === 'number') {
          scroll = { x: Math.round(data.x), y: Math.round(data.y) };
        } else if (data.source === RRWEB_SOURCE.Mutation && Array.isArray(data.adds)) {
          for (const add of data.adds as { node?: unknown }[]) collectBlockedIds(add?.node, this.#blocked);
        }
      }
    }
    return scroll;
  }

  #applySize(): void {
    const iframe = this.#replayer?.iframe;
    if (!iframe) return;
    iframe.style.width = this.#frameSize ? `${this.#frameSize.width}px` : '';
    iframe.style.height = this.#frameSize ? `${this.#frameSize.height}px` : '';
    // The replayed page is one focus stop: the view's overlay, never the page's own controls.
    iframe.tabIndex = -1;
  }

  /** A replayer for a snapshot frame's (re-timed) events. */
  #start(snapshot: readonly PageEvent[]): Replayer {
    const replayer = new Replayer([], {
      root: this.#host,
      liveMode: true,
      mouseTail: false,
      showWarning: false,
      // The agent's own focus stays in AgentDesk; the customer's focus shows as rrweb's styles.
      triggerFocus: false,
      UNSAFE_replayCanvas: false,
      // rrweb's virtual DOM only serves fast-forwarding and is flushed by `play`, which live mode
      // never calls: changes are applied to the mirror directly.
      useVirtualDom: false,
    });
    // Before the first event: nothing of the page may be fetched from anywhere else.
    const doc = replayer.iframe.contentDocument;
    if (!doc) throw new Error('the mirror frame has no document');
    applyMirrorPolicy(doc, this.#origins());
    // Events stamped up to the full snapshot are applied at once (the page appears immediately);
    // later ones by rrweb's live timer, which keeps the spacing inside a batch.
    const full = snapshot.find((e) => e.type === RRWEB_EVENT.FullSnapshot);
    replayer.startLive((full?.timestamp ?? Date.now()) + 1);
    this.#replayer = replayer;
    this.#applySize();
    const win = replayer.iframe.contentWindow;
    if (win) {
      // rrweb applies the customer's scrolls to the frame; while the agent holds a position, put it back.
      const keep = () => {
        const held = this.#held;
        if (held && (Math.abs(win.scrollX - held.x) > 1 || Math.abs(win.scrollY - held.y) > 1)) win.scrollTo({ left: held.x, top: held.y, behavior: 'instant' });
      };
      win.addEventListener('scroll', keep);
      this.#detachScroll = () => win.removeEventListener('scroll', keep);
    }
    return replayer;
  }

  #reset(): void {
    this.#detachScroll?.();
    this.#detachScroll = null;
    this.#replayer?.destroy();
    this.#replayer = null;
    this.#timeline = 0;
  }

  #update(change: Partial<MirrorStatus>): void {
    this.#status = { ...this.#status, ...change };
    this.#onStatus(this.#status);
  }
}
