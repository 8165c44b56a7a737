// The customer's page, replayed live with rrweb's Replayer inside the iframe rrweb creates with
// exactly `sandbox="allow-same-origin"`: no script of the customer's page runs (no
// `allow-scripts`), it cannot navigate this app (no `allow-top-navigation`), submit forms or open
// windows; `allow-same-origin` only lets this view read the mirror's DOM to find what the agent
// clicked. The iframe never receives the agent's pointer (rrweb sets `pointer-events: none`); the
// view's own overlay takes clicks and asks `targetAt` what is under them.
import { Replayer, type eventWithTime } from 'rrweb';
import type { PageFrame } from '../common/api.js';
import { frameLagMs } from './lag.js';
import { retimeBatch } from './live-timeline.js';
import { parseFrame, RRWEB_EVENT, viewportAfter, type PageEvent, type Viewport } from './page-events.js';
import type { TargetInfo } from './write-mode.js';

export interface MirrorStatus {
  /** False until the first full snapshot has been rebuilt: nothing to show yet. */
  readonly hasPage: boolean;
  readonly viewport: Viewport | null;
  /** The customer's scroll position in their page, CSS px. */
  readonly scroll: { readonly x: number; readonly y: number } | null;
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
}

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
  #replayer: Replayer | null = null;
  #timeline = 0;
  #status: MirrorStatus = { hasPage: false, viewport: null, scroll: null, lagMs: null, unreadableFrames: 0 };
  /** The latest frame that arrived before the clocks were compared, to measure once they are. */
  #unmeasured: { readonly events: readonly Pick<PageEvent, 'timestamp'>[]; readonly receivedAt: number } | null = null;

  constructor(host: HTMLElement, onStatus: (status: MirrorStatus) => void) {
    this.#host = host;
    this.#onStatus = onStatus;
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
    const measured = frameLagMs(parsed.events, frame.receivedAt, frame.clockOffsetMs);
    this.#unmeasured = measured === null ? { events: parsed.events, receivedAt: frame.receivedAt } : null;
    const lagMs = measured ?? this.#status.lagMs;
    if (parsed.kind === 'snapshot') {
      this.#reset();
    } else if (this.#replayer === null) {
      // Changes to a page this view has not seen: they wait for the next snapshot.
      return;
    }
    // Re-timed onto this page's clock at arrival (see live-timeline.ts).
    const { events, last } = retimeBatch(parsed.events, Date.now(), this.#timeline);
    this.#timeline = last;
    const replayer = this.#replayer ?? this.#start(events);
    for (const event of events) replayer.addEvent(event as unknown as eventWithTime);
    this.#update({
      hasPage: true,
      lagMs,
      viewport: viewportAfter(parsed.events, parsed.kind === 'snapshot' ? null : this.#status.viewport),
      unreadableFrames: parsed.kind === 'snapshot' ? 0 : this.#status.unreadableFrames,
    });
  }

  /**
   * The probes have compared the clocks. The join snapshot usually arrives before the first echo,
   * and a customer who is not moving sends nothing more, so the lag of the frame that came first is
   * measured now rather than left blank until the customer next does something.
   */
  clockOffsetKnown(clockOffsetMs: number): void {
    if (this.#status.lagMs !== null || this.#unmeasured === null) return;
    const lagMs = frameLagMs(this.#unmeasured.events, this.#unmeasured.receivedAt, clockOffsetMs);
    this.#unmeasured = null;
    if (lagMs !== null) this.#update({ lagMs });
  }

  /** Reads the scroll position again (the view polls it: scrolls arrive inside batches). */
  refresh(): void {
    const win = this.#replayer?.iframe.contentWindow;
    if (!win) return;
    const scroll = { x: Math.round(win.scrollX), y: Math.round(win.scrollY) };
    if (scroll.x !== this.#status.scroll?.x || scroll.y !== this.#status.scroll.y) this.#update({ scroll });
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
    this.#replayer?.destroy();
    this.#replayer = null;
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
    };
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
    // Events stamped up to the full snapshot are applied at once (the page appears immediately);
    // later ones by rrweb's live timer, which keeps the spacing inside a batch.
    const full = snapshot.find((e) => e.type === RRWEB_EVENT.FullSnapshot);
    replayer.startLive((full?.timestamp ?? Date.now()) + 1);
    this.#replayer = replayer;
    return replayer;
  }

  #reset(): void {
    this.#replayer?.destroy();
    this.#replayer = null;
    this.#timeline = 0;
  }

  #update(change: Partial<MirrorStatus>): void {
    this.#status = { ...this.#status, ...change };
    this.#onStatus(this.#status);
  }
}
