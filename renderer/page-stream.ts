// The renderer's one subscription to page frames. Frames can arrive before the session view has
// mounted (the snapshot follows `joined` at once), so the stream keeps the latest snapshot and the
// batches after it, and hands them to a view that subscribes late: a late view renders the page at
// once instead of waiting for the customer's next page load.
import type { AgentDeskApi, PageFrame, PageFrameListener } from '../common/api.js';

/** Text kept for a late subscriber: a snapshot is at most 8 MiB (server/limits.ts); past 32 Mi
 * characters of batches since it, the stream keeps nothing and waits for the next snapshot rather
 * than hold a whole long session in memory. */
export const PAGE_STREAM_MAX_CHARS = 32 * 1024 * 1024;

export interface PageStream {
  /** Replays the kept frames, then calls `listener` with each new one. */
  subscribe(listener: PageFrameListener): () => void;
  /** Forgets the kept frames (the session ended). */
  clear(): void;
}

export function createPageStream(source: Pick<AgentDeskApi, 'onPageFrame'>, maxChars = PAGE_STREAM_MAX_CHARS): PageStream {
  const listeners = new Set<PageFrameListener>();
  let kept: PageFrame[] = [];
  let keptChars = 0;
  source.onPageFrame((frame) => {
    if (frame.kind === 'snapshot') {
      kept = [frame];
      keptChars = frame.json.length;
    } else if (kept.length > 0) {
      keptChars += frame.json.length;
      if (keptChars > maxChars) {
        kept = [];
        keptChars = 0;
      } else {
        kept.push(frame);
      }
    }
    for (const listener of listeners) listener(frame);
  });
  return {
    subscribe(listener) {
      for (const frame of kept) listener(frame);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear() {
      kept = [];
      keptChars = 0;
    },
  };
}

const streams = new WeakMap<object, PageStream>();

/** The page stream of this bridge, created on first use. */
export function pageStreamFor(api: AgentDeskApi): PageStream {
  let stream = streams.get(api);
  if (!stream) {
    stream = createPageStream(api);
    streams.set(api, stream);
  }
  return stream;
}
