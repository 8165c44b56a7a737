// The page stream: rrweb records the DOM, every event goes through the privacy filter (the one
// point where masking is enforced, privacy-filter.ts), and this file turns the events into binary
// page frames (byte 0 = kind, then the JSON text of an eventWithTime[], deflated in the browser
// when it can: page-frame-encoder.ts). A snapshot frame is [Meta, FullSnapshot]; incremental
// events are batched and flushed every FLUSH_INTERVAL_MS. Compression is asynchronous, so frames
// go through one queue and leave in the order they were made. Nothing is kept while no agent
// watches: the next agent gets a fresh snapshot.
import { record } from '@rrweb/record';
import type { eventWithTime } from '@rrweb/types';
import { PageFrameKind } from '../../common/protocol-constants.js';
import {
  FLUSH_EVENT_COUNT,
  FLUSH_INTERVAL_MS,
  MAX_INCREMENTAL_FRAME_BYTES,
  MAX_SNAPSHOT_FRAME_BYTES,
  MAX_SNAPSHOT_JSON_BYTES,
  SLICED_SNAPSHOT_ABOVE_ELEMENTS,
  SNAPSHOT_SLICE_MS,
} from './limits.js';
import type { MaskPolicy } from './masking.js';
import { encodePageFrame, utf8Of, utf8OfJson } from './page-frame-encoder.js';
import type { PrivacyFilter } from './privacy-filter.js';
import { SlicedSnapshot } from './sliced-snapshot.js';
import { onDocumentSnapshot, seamInstalled, type SerializeNode, type SerializeOptions } from './snapshot-seam.js';

export interface CaptureOptions {
  readonly policy: MaskPolicy;
  readonly filter: PrivacyFilter;
  readonly blockSelector: string;
  /** Sends one page frame; false when it could not be sent (no socket). */
  readonly send: (frame: Uint8Array<ArrayBuffer>) => boolean;
  /** The page is too large to share (a snapshot over the server's ceiling). */
  readonly onTooLarge: () => void;
}

interface SnapshotPart {
  readonly timestamp: number;
  /** The event's JSON without the timestamp: "{...}". */
  readonly rest: string;
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
  /**
   * Every event while a snapshot is being taken (Meta, FullSnapshot, and a sliced one's rest), as
   * JSON without its timestamp: turned to text as it comes, so a large page's megabytes of JSON are
   * not written in one long task at the end, and stamped when the frame is made.
   */
  #snapshot: SnapshotPart[] | null = null;
  /** The snapshot being taken in slices, if any. */
  #slices: SlicedSnapshot | null = null;
  /** The masks were to be re-checked while slices were being taken: done when they end. */
  #recheckPending = false;
  #batch: eventWithTime[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Frames being compressed, in order; each waits for the one before it. */
  #sending: Promise<void> = Promise.resolve();
  /** Bumped by every pause: frames made before it are not sent after it. */
  #epoch = 0;

  constructor(options: CaptureOptions) {
    this.#options = options;
  }

  /** rrweb asks for the serialized document (snapshot-seam.ts): a large page's comes in slices. */
  #serializeDocument(doc: Document, options: SerializeOptions, serialize: SerializeNode): ReturnType<SerializeNode> {
    this.#cancelSlices();
    if (doc !== document || doc.getElementsByTagName('*').length <= SLICED_SNAPSHOT_ABOVE_ELEMENTS) return serialize(doc, options);
    // rrweb keeps ids across snapshots; the slices need "in the mirror" to mean "the agent has it".
    options.mirror.reset();
    const slices = new SlicedSnapshot(options, serialize, {
      emit: (event) => this.#emit(event),
      onDone: () => {
        if (this.#slices !== slices) return;
        this.#slices = null;
        this.#finishSnapshot(true);
      },
      sliceMs: SNAPSHOT_SLICE_MS,
      now: () => performance.now(),
    });
    this.#slices = slices;
    return slices.top(doc);
  }

  #cancelSlices(): void {
    this.#slices?.cancel();
    this.#slices = null;
  }

  /** Every event, rrweb's and the slices', enters here: the privacy filter first. */
  #emit(event: eventWithTime): void {
    const safe = this.#options.filter.apply(event);
    if (safe) this.#onEvent(safe);
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
    this.#cancelSlices();
    this.#snapshot = null;
    this.#epoch += 1;
    this.#batch = [];
    this.#cancelFlush();
  }

  stop(): void {
    this.pauseStreaming();
    this.#stopRecording?.();
    this.#stopRecording = null;
    onDocumentSnapshot(null);
  }

  #startRecording(): void {
    const { policy, blockSelector } = this.#options;
    if (!seamInstalled()) throw new Error('this snippet was bundled without the rrweb snapshot seam (scripts/rrweb-snapshot-seam.ts)');
    onDocumentSnapshot((doc, options, serialize) => this.#serializeDocument(doc, options, serialize));
    // record() takes the first full snapshot (or its first slice) synchronously, through #emit.
    this.#snapshot = [];
    performance.mark('agentdesk:snapshot-start');
    this.#stopRecording =
      record({
        emit: (event) => this.#emit(event),
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
    if (!this.#slices) this.#finishSnapshot();
  }

  #snapshotNow(): void {
    this.#snapshot = [];
    performance.mark('agentdesk:snapshot-start');
    record.takeFullSnapshot(true);
    if (!this.#slices) this.#finishSnapshot();
  }

  #finishSnapshot(sliced = false): void {
    const parts = this.#snapshot ?? [];
    this.#snapshot = null;
    // A sliced snapshot is one picture as of now: the agent's replayer applies events stamped up
    // to the FullSnapshot's time at once, and would spread later ones over the slices' duration.
    const now = Date.now();
    const utf8 = utf8OfJson(`[${parts.map((p) => `{"timestamp":${sliced ? now : p.timestamp},${p.rest.slice(1)}`).join(',')}]`);
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
    if (this.#recheckPending) {
      this.#recheckPending = false;
      this.recheckMasks();
    }
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
    // While a snapshot is taken everything belongs to it: later events refer to its nodes.
    if (this.#snapshot) {
      const { timestamp, ...rest } = event;
      this.#snapshot.push({ timestamp, rest: JSON.stringify(rest) });
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
    // Mid-slices the agent has part of the page, so the marks sent are partial: checked at the end.
    if (this.#slices) {
      this.#recheckPending = true;
      return;
    }
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
