// Turns a binary page-stream frame (byte 0 = kind, bit 7 set when the page compressed the rest
// with deflate-raw; the rest = UTF-8 text) into what the renderer receives. The payload is
// inflated and decoded to text but never parsed here: the customer's page is the renderer's
// business, and parsing megabytes in the main process would only add delay. Inflation is
// synchronous so frames stay in arrival order (a 1 MB snapshot inflates in a few ms).
import { inflateRawSync } from 'node:zlib';
import type { PageFrame } from '../../common/api.js';
import { PAGE_FRAME_DEFLATED, pageFrameKindName } from '../../common/protocol.js';
import { MAX_INFLATED_PAGE_FRAME_BYTES } from './limits.js';

/**
 * The UTF-8 payload of a page frame, inflated when bit 7 says so; null when it does not inflate
 * or would inflate past `maxBytes`.
 */
export function pageFramePayload(frame: Uint8Array, maxBytes = MAX_INFLATED_PAGE_FRAME_BYTES): Buffer | null {
  const body = Buffer.from(frame.buffer, frame.byteOffset + 1, Math.max(0, frame.length - 1));
  if (((frame[0] ?? 0) & PAGE_FRAME_DEFLATED) === 0) return body;
  try {
    return inflateRawSync(body, { maxOutputLength: maxBytes });
  } catch {
    return null;
  }
}

export function decodePageFrame(frame: Uint8Array, receivedAt: number): PageFrame | null {
  if (frame.length < 2) return null;
  const kind = pageFrameKindName(frame[0]);
  if (kind === null) return null;
  const payload = pageFramePayload(frame);
  if (payload === null) return null;
  const json = new TextDecoder('utf-8', { fatal: false }).decode(payload);
  return { kind, json, receivedAt };
}
