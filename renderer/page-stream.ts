// The renderer's one subscription to page frames. Frames can arrive before the session view has
// mounted (the snapshot follows `joined` at once), so the stream keeps them in the replay buffer
// (common/replay-buffer.ts) and hands them to a view that subscribes late: a late view renders the
// page at once instead of waiting for the customer's next page load.
import type { AgentDeskApi, PageFrameListener } from '../common/api.js';
import { createReplayBuffer, REPLAY_BUFFER_MAX_CHARS } from '../common/replay-buffer.js';

export interface PageStream {
  /** Replays the kept frames, then calls `listener` with each new one. */
  subscribe(listener: PageFrameListener): () => void;
  /** Forgets the kept frames (the session ended). */
  clear(): void;
}

export function createPageStream(source: Pick<AgentDeskApi, 'onPageFrame'>, maxChars = REPLAY_BUFFER_MAX_CHARS): PageStream {
  const listeners = new Set<PageFrameListener>();
  const kept = createReplayBuffer(maxChars);
  source.onPageFrame((frame) => {
    kept.add(frame);
    for (const listener of listeners) listener(frame);
  });
  return {
    subscribe(listener) {
      for (const frame of kept.frames()) listener(frame);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear: () => kept.clear(),
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
