// How big the mirrored page is drawn and how much of the customer's page the replay frame holds, for
// each view choice. The replay iframe is sized in the customer's CSS px and scaled as a whole:
// - fit page: the customer's whole viewport fits the space, as they see it;
// - fit width: the viewport's width fills the space; the frame is as tall as the space allows, so
//   the agent reads at a useful size and scrolls vertically (the frame's own scroll);
// - 100 %: one customer px is one agent px; the frame is as tall as the space, scrolling both ways
//   when the customer's window is wider than the agent's.

export type ViewMode = 'fit-page' | 'fit-width' | 'actual';

export const VIEW_MODES: readonly { readonly mode: ViewMode; readonly label: string }[] = [
  { mode: 'fit-page', label: 'Fit page' },
  { mode: 'fit-width', label: 'Fit width' },
  { mode: 'actual', label: '100 %' },
];

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface MirrorGeometry {
  /** Agent px per customer px. */
  readonly scale: number;
  /** The replay frame's size, customer CSS px. */
  readonly frame: Size;
  /** The frame as drawn, agent CSS px. */
  readonly box: Size;
}

/** A fit never enlarges past this: a small phone viewport on a wide desk would be blurred text. */
export const MAX_FIT_SCALE = 2;
/** A frame shorter than this (customer px) shows too little to be worth scaling for. */
const MIN_FRAME_HEIGHT = 120;

export function mirrorGeometry(mode: ViewMode, area: Size, viewport: Size): MirrorGeometry {
  const areaWidth = Math.max(1, area.width);
  const areaHeight = Math.max(1, area.height);
  let scale: number;
  let frame: Size;
  switch (mode) {
    case 'fit-page':
      scale = Math.min(MAX_FIT_SCALE, areaWidth / viewport.width, areaHeight / viewport.height);
      frame = viewport;
      break;
    case 'fit-width':
      scale = Math.min(MAX_FIT_SCALE, areaWidth / viewport.width);
      frame = { width: viewport.width, height: Math.max(MIN_FRAME_HEIGHT, Math.floor(areaHeight / scale)) };
      break;
    case 'actual':
      scale = 1;
      frame = { width: viewport.width, height: Math.max(MIN_FRAME_HEIGHT, Math.floor(areaHeight)) };
      break;
    default: {
      const never: never = mode;
      throw new Error(`unknown view mode ${String(never)}`);
    }
  }
  return { scale, frame, box: { width: frame.width * scale, height: frame.height * scale } };
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where the customer's viewport lies on the drawn mirror (agent px, relative to the box), given
 * the customer's and the frame's scroll positions; null when it covers exactly what the agent
 * sees (nothing to outline).
 */
export function viewportOutline(geometry: MirrorGeometry, viewport: Size, customerScroll: { x: number; y: number }, frameScroll: { x: number; y: number }): Rect | null {
  const x = (customerScroll.x - frameScroll.x) * geometry.scale;
  const y = (customerScroll.y - frameScroll.y) * geometry.scale;
  const width = viewport.width * geometry.scale;
  const height = viewport.height * geometry.scale;
  const same = Math.abs(x) < 1 && Math.abs(y) < 1 && Math.abs(width - geometry.box.width) < 1 && Math.abs(height - geometry.box.height) < 1;
  return same ? null : { x, y, width, height };
}
