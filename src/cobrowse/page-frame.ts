// Turns a binary page-stream frame (byte 0 = kind, the rest = UTF-8 text) into what the renderer
// receives. The payload is decoded to text but never parsed here: the customer's page is the
// renderer's business, and parsing megabytes in the main process would only add delay.
import type { PageFrame } from '../../common/api.js';
import { PageFrameKind } from '../../common/protocol.js';

export function decodePageFrame(frame: Uint8Array, receivedAt: number, clockOffsetMs: number | null): PageFrame | null {
  if (frame.length < 2) return null;
  const kind = frame[0] === PageFrameKind.Snapshot ? 'snapshot' : frame[0] === PageFrameKind.Incremental ? 'incremental' : null;
  if (kind === null) return null;
  const json = new TextDecoder('utf-8', { fatal: false }).decode(frame.subarray(1));
  return { kind, json, receivedAt, clockOffsetMs };
}
