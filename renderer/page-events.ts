// Reading a page-stream frame in the renderer: the JSON text of an array of rrweb events. The
// customer's page is untrusted input, so the shape is checked before anything is replayed; the
// contents of each event are then rrweb's to interpret (inside the sandboxed iframe).
import type { PageFrame } from '../common/api.js';

/** rrweb's EventType numbers this view relies on (rrweb's own enum, restated to stay import-free). */
export const RRWEB_EVENT = { FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4 } as const;
/** rrweb's IncrementalSource numbers this view relies on. */
export const RRWEB_SOURCE = { Mutation: 0, MouseMove: 1, MouseInteraction: 2, Scroll: 3, ViewportResize: 4, Input: 5 } as const;

/** The part of an rrweb event this view reads; the rest is passed to the replayer untouched. */
export interface PageEvent {
  readonly type: number;
  readonly timestamp: number;
  readonly data?: unknown;
}

export type ParsedFrame =
  | { readonly ok: true; readonly kind: PageFrame['kind']; readonly events: PageEvent[] }
  | { readonly ok: false; readonly reason: string };

function isEvent(value: unknown): value is PageEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { type, timestamp } = value as { type?: unknown; timestamp?: unknown };
  return typeof type === 'number' && Number.isInteger(type) && typeof timestamp === 'number' && Number.isFinite(timestamp);
}

/** Parses and checks one frame. A snapshot must begin with the Meta and FullSnapshot events. */
export function parseFrame(frame: Pick<PageFrame, 'kind' | 'json'>): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(frame.json);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!Array.isArray(value)) return { ok: false, reason: 'not an array of events' };
  if (!value.every(isEvent)) return { ok: false, reason: 'an element is not an rrweb event' };
  const events = value;
  if (frame.kind === 'snapshot') {
    const meta = events.findIndex((e) => e.type === RRWEB_EVENT.Meta);
    const full = events.findIndex((e) => e.type === RRWEB_EVENT.FullSnapshot);
    if (meta === -1 || full === -1 || meta > full) return { ok: false, reason: 'a snapshot without Meta then FullSnapshot' };
  } else if (events.length === 0) {
    return { ok: false, reason: 'an empty batch' };
  }
  return { ok: true, kind: frame.kind, events };
}

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

function dimensions(data: unknown): Viewport | null {
  if (typeof data !== 'object' || data === null) return null;
  const { width, height } = data as { width?: unknown; height?: unknown };
  if (typeof width !== 'number' || typeof height !== 'number' || !(width > 0) || !(height > 0)) return null;
  return { width, height };
}

/** The customer's viewport after these events: from Meta and viewport-resize events. */
export function viewportAfter(events: readonly PageEvent[], current: Viewport | null): Viewport | null {
  let viewport = current;
  for (const event of events) {
    if (event.type === RRWEB_EVENT.Meta) {
      viewport = dimensions(event.data) ?? viewport;
    } else if (event.type === RRWEB_EVENT.IncrementalSnapshot) {
      const source = (event.data as { source?: unknown } | undefined)?.source;
      if (source === RRWEB_SOURCE.ViewportResize) viewport = dimensions(event.data) ?? viewport;
    }
  }
  return viewport;
}
