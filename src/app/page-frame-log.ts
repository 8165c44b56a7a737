// The frames of the current page the core keeps for a renderer that connects mid-session (a
// reloaded browser-shell tab, a second tab): the latest snapshot and the batches after it. The
// customer sends a snapshot only when an agent joins or a page loads, so without this a reloaded
// view would stay empty until the customer navigates.
import type { PageFrame } from '../../common/api.js';
import { CHANNEL_LIMITS } from '../cobrowse/limits.js';

export interface PageFrameLog {
  add(frame: PageFrame): void;
  /** The latest snapshot and what followed it, oldest first; empty when nothing usable is kept. */
  frames(): readonly PageFrame[];
  clear(): void;
}

export function createPageFrameLog(maxChars = CHANNEL_LIMITS.replayLogMaxChars): PageFrameLog {
  let kept: PageFrame[] = [];
  let chars = 0;
  return {
    add(frame) {
      if (frame.kind === 'snapshot') {
        kept = [frame];
        chars = frame.json.length;
        return;
      }
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
