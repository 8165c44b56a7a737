// The page stream: rrweb records the DOM, every event goes through the privacy filter (the one
// point where masking is enforced, privacy-filter.ts), and this file turns the events into binary
// page frames (byte 0 = kind, then the JSON text of an eventWithTime[], deflated in the browser
// when it can: page-frame-encoder.ts). A snapshot frame is [Meta, FullSnapshot]; incremental
// events are batched and flushed every FLUSH_INTERVAL_MS. Compression is asynchronous, so frames
// go through one queue and leave in the order they were made. Nothing is kept while no agent
// watches: the next agent gets a fresh snapshot.
import { record } from '@rrweb/record';
import { EventType, type eventWithTime } from '@rrweb/types';
import { PageFrameKind } from '../../common/protocol-constants.js';
import { FLUSH_EVENT_COUNT, FLUSH_INTERVAL_MS, MAX_INCREMENTAL_FRAME_BYTES, MAX_SNAPSHOT_FRAME_BYTES, MAX_SNAPSHOT_JSON_BYTES } from './limits.js';
import type { MaskPolicy } from './masking.js';
import { encodePageFrame, utf8Of } from './page-frame-encoder.js';
import type { PrivacyFilter } from './privacy-filter.js';

export interface CaptureOptions {
  readonly policy: MaskPolicy;
  readonly filter: PrivacyFilter;
  readonly blockSelector: string;
  /** Sends one page frame; false when it could not be sent (no socket). */
  readonly send: (frame: Uint8Array<ArrayBuffer>) => boolean;
  /** The page is too large to share (a snapshot over the server's ceiling). */
  readonly onTooLarge: () => void;
}

const EVERY_FIELD: Readonly<Record<string, true>> = Object.fromEntries(
  ['text', 'search', 'email', 'tel', 'url', 'number', 'range', 'color', 'date', 'datetime-local', 'month', 'week', 'time', 'password', 'hidden', 'file', 'textarea', 'select'].map(
    (type) => [type, true],
  ),
);

export class PageCapture {
  readonly #options: CaptureOptions;
  #stopRecording: (() => void) | null = null;
  #streaming = false;
  /** Meta and FullSnapshot events while a snapshot is being taken. */
  #snapshot: eventWithTime[] | null = null;
  #batch: eventWithTime[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Frames being compressed, in order; each waits for the one before it. */
  #sending: Promise<void> = Promise.resolve();
  /** Bumped by every pause: frames made before it are not sent after it. */
  #epoch = 0;

  constructor(options: CaptureOptions) {
    this.#options = options;
  }

  /** An agent is watching: send a fresh full snapshot now, then stream incremental batches. */
  startStreaming(): void {
    this.#streaming = true;
    this.#batch = [];
    if (!this.#stopRecording) this.#startRecording();
    else this.#snapshotNow();
  }

  /** Nobody is watching (agent away, socket down): stop sending; events are not kept. */
  pauseStreaming(): void {
    this.#streaming = false;
    this.#epoch += 1;
    this.#batch = [];
    this.#cancelFlush();
  }

  stop(): void {
    this.pauseStreaming();
    this.#stopRecording?.();
    this.#stopRecording = null;
  }

  #startRecording(): void {
    const { policy, blockSelector } = this.#options;
    // record() takes the first full snapshot synchronously, through #onEvent.
    this.#snapshot = [];
    performance.mark('agentdesk:snapshot-start');
    this.#stopRecording =
      record({
        emit: (event) => {
          const safe = this.#options.filter.apply(event);
          if (safe) this.#onEvent(safe);
        },
        // Every field goes through maskInput (which decides); rrweb's own "all inputs" list
        // leaves out hidden and file inputs, so the list is given here.
        maskAllInputs: false,
        maskInputOptions: EVERY_FIELD as Record<string, boolean>,
        maskInputFn: policy.maskInput,
        // Text is masked by the filter, which follows the live mask set (rrweb's selector is fixed).
        blockSelector,
        inlineStylesheet: true,
        recordCanvas: false,
        collectFonts: false,
        inlineImages: false,
        recordCrossOriginIframes: false,
        // Every keystroke's value (not only on change): the agent sees the page move as the customer types.
        sampling: { mousemove: 50, scroll: 100 },
      }) ?? null;
    this.#finishSnapshot();
  }

  #snapshotNow(): void {
    this.#snapshot = [];
    performance.mark('agentdesk:snapshot-start');
    record.takeFullSnapshot(true);
    this.#finishSnapshot();
  }

  #finishSnapshot(): void {
    const events = this.#snapshot ?? [];
    this.#snapshot = null;
    const utf8 = utf8Of(events);
    if (utf8.length > MAX_SNAPSHOT_JSON_BYTES) {
      this.#tooLarge();
      return;
    }
    this.#enqueue(PageFrameKind.Snapshot, utf8, (frame) => {
      performance.clearMeasures('agentdesk:snapshot');
      performance.measure('agentdesk:snapshot', { start: 'agentdesk:snapshot-start', detail: { bytes: frame.length, jsonBytes: utf8.length } });
      if (frame.length <= MAX_SNAPSHOT_FRAME_BYTES) return true;
      this.#tooLarge();
      return false;
    });
  }

  #tooLarge(): void {
    this.pauseStreaming();
    this.#options.onTooLarge();
  }

  /**
   * Compresses and sends in order. `check` sees the finished frame first and may keep it back;
   * a pause in between (agent gone) drops what was made before it.
   */
  #enqueue(kind: PageFrameKind, utf8: Uint8Array<ArrayBuffer>, check: (frame: Uint8Array<ArrayBuffer>) => boolean = () => true): void {
    const epoch = this.#epoch;
    this.#sending = this.#sending.then(async () => {
      const frame = await encodePageFrame(kind, utf8);
      if (epoch !== this.#epoch || !this.#streaming) return;
      if (check(frame)) this.#options.send(frame);
    });
  }

  #onEvent(event: eventWithTime): void {
    if (this.#snapshot && (event.type === EventType.Meta || event.type === EventType.FullSnapshot)) {
      this.#snapshot.push(event);
      return;
    }
    if (!this.#streaming) return;
    this.#batch.push(event);
    if (this.#batch.length >= FLUSH_EVENT_COUNT) this.#flush();
    else this.#flushTimer ??= setTimeout(() => this.#flush(), FLUSH_INTERVAL_MS);
  }

  #cancelFlush(): void {
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
  }

  /**
   * The masks changed (an element gained or lost one, a rule applies after a route change): what
   * the agent has may show what is now masked, so a fresh snapshot replaces it.
   */
  recheckMasks(): void {
    if (this.#streaming && this.#options.filter.marksChanged()) {
      this.#batch = [];
      this.#cancelFlush();
      this.#snapshotNow();
    }
  }

  #flush(): void {
    this.#cancelFlush();
    if (!this.#streaming || this.#batch.length === 0) return;
    if (this.#options.filter.marksChanged()) {
      this.#batch = [];
      this.#snapshotNow();
      return;
    }
    const started = performance.now();
    const utf8 = utf8Of(this.#batch);
    this.#batch = [];
    // Checked on the text, before compression: a batch that big means the page changed
    // wholesale, and a snapshot says it better (the compressed frame is never larger).
    if (utf8.length > MAX_INCREMENTAL_FRAME_BYTES) {
      this.#snapshotNow();
      return;
    }
    this.#enqueue(PageFrameKind.Incremental, utf8, (frame) => {
      performance.clearMeasures('agentdesk:flush');
      performance.measure('agentdesk:flush', { start: started, detail: { bytes: frame.length, jsonBytes: utf8.length } });
      return true;
    });
  }
}
