// The page frames kept for a view that comes late: the latest snapshot and the batches after it.
// The customer sends a snapshot only when an agent joins or a page loads, so a view that mounts
// after it (the renderer's session screen, a reloaded browser-shell tab) would otherwise stay
// empty until the customer navigates. Used by the desktop core and by the renderer.
import type { PageFrame } from './api.js';

/** Text kept: a snapshot is at most 8 MiB (server/limits.ts); past 32 Mi characters of batches
 * since it, the buffer keeps nothing and waits for the next snapshot rather than hold a whole long
 * session in memory. Also the inflation ceiling of one page frame (src/cobrowse/limits.ts). */
export const REPLAY_BUFFER_MAX_CHARS = 32 * 1024 * 1024;

export interface ReplayBuffer {
  add(frame: PageFrame): void;
  /** The latest snapshot and what followed it, oldest first; empty when nothing usable is kept. */
  frames(): readonly PageFrame[];
  clear(): void;
}

export function createReplayBuffer(maxChars = REPLAY_BUFFER_MAX_CHARS): ReplayBuffer {
  let kept: PageFrame[] = [];
  let chars = 0;
  return {
    add(frame) {
      if (frame.kind === 'snapshot') {
        kept = [frame];
        chars = frame.json.length;
        return;
      }
      // Batches without the snapshot they apply to are useless.
      if (kept.length === 0) return;
      chars += frame.json.length;
      if (chars > maxChars) {
        kept = [];
        chars = 0;
      } else {
        kept.push(frame);
      }
    },
    frames: () => kept,
    clear() {
      kept = [];
      chars = 0;
    },
  };
}
