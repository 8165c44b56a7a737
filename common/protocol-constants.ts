// The protocol's plain constants, without zod: the customer snippet imports these so its bundle
// does not carry the schemas. common/protocol.ts re-exports them; import from either.

export const PageFrameKind = {
  /** A full DOM snapshot (large, rare). */
  Snapshot: 1,
  /** A batch of incremental events (small, frequent). */
  Incremental: 2,
} as const;
export type PageFrameKind = (typeof PageFrameKind)[keyof typeof PageFrameKind];

/** How long either side may be gone before the session ends for both (seconds, issue 5). */
export const RESUME_GRACE_SECONDS = 30;
