// The protocol's plain constants, without zod: the customer snippet imports these so its bundle
// does not carry the schemas. common/protocol.ts re-exports them; import from either.

export const PageFrameKind = {
  /** A full DOM snapshot (large, rare). */
  Snapshot: 1,
  /** A batch of incremental events (small, frequent). */
  Incremental: 2,
} as const;
export type PageFrameKind = (typeof PageFrameKind)[keyof typeof PageFrameKind];

/**
 * Bit 7 of a page frame's byte 0: the payload after it is deflate-raw (RFC 1951), compressed in
 * the customer's browser. The low bits still name the kind; the server reads only those.
 */
export const PAGE_FRAME_DEFLATED = 0x80;

/** The kind a page frame's byte 0 names, compressed or not; null for anything else. */
export function pageFrameKindOf(byte0: number | undefined): PageFrameKind | null {
  if (byte0 === undefined) return null;
  const kind = byte0 & ~PAGE_FRAME_DEFLATED;
  return kind === PageFrameKind.Snapshot || kind === PageFrameKind.Incremental ? kind : null;
}

/** The name of each page-frame kind: in metrics, in what the desktop hands the renderer. */
export type PageFrameKindName = 'snapshot' | 'incremental';

const KIND_NAMES: Readonly<Record<PageFrameKind, PageFrameKindName>> = {
  [PageFrameKind.Snapshot]: 'snapshot',
  [PageFrameKind.Incremental]: 'incremental',
};

/** The kind name a page frame's byte 0 gives, compressed or not; null for anything else. */
export function pageFrameKindName(byte0: number | undefined): PageFrameKindName | null {
  const kind = pageFrameKindOf(byte0);
  return kind === null ? null : KIND_NAMES[kind];
}

/** How long either side may be gone before the session ends for both (seconds, issue 5). */
export const RESUME_GRACE_SECONDS = 30;
