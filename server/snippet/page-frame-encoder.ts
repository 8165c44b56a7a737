// Page frames as they leave the customer's page: byte 0 = kind, with bit 7 set when the rest is
// deflate-raw (RFC 1951), else the UTF-8 JSON text itself. Compression uses the browser's own
// CompressionStream (Chrome/Edge 103+, Firefox 113+, Safari 16.4+), so the snippet carries no
// compression code; a browser without 'deflate-raw' sends the text as it is, and the desktop
// reads both (src/cobrowse/page-frame.ts). A page of 10,000 elements: 1.1 MB of JSON, about a
// tenth of that deflated, which is what decides how soon an agent on a phone's uplink sees it.
import { PAGE_FRAME_DEFLATED, type PageFrameKind } from '../../common/protocol-constants.js';

type Frame = Uint8Array<ArrayBuffer>;

const encoder = new TextEncoder();
let deflateRaw: boolean | null = null;

/** Whether this browser compresses ('deflate-raw' is newer than CompressionStream itself). */
export function canDeflate(): boolean {
  if (deflateRaw === null) {
    try {
      // Browsers that know CompressionStream but not this format throw here.
      deflateRaw = typeof CompressionStream === 'function' && Boolean(new CompressionStream('deflate-raw'));
    } catch {
      deflateRaw = false;
    }
  }
  return deflateRaw;
}

function withKind(kindByte: number, body: Uint8Array): Frame {
  const frame = new Uint8Array(body.length + 1);
  frame[0] = kindByte;
  frame.set(body, 1);
  return frame;
}

/** The frame as text, uncompressed (also what a browser without 'deflate-raw' sends). */
export function plainFrame(kind: PageFrameKind, utf8: Uint8Array): Frame {
  return withKind(kind, utf8);
}

/**
 * Deflates through the browser's stream: the input goes in as a Blob, whose stream hands the
 * compressor chunks across several tasks, so a megabyte snapshot is not one long task.
 */
async function deflate(utf8: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([utf8]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function utf8Of(events: unknown): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify(events));
}

export function utf8OfJson(json: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(json);
}

/** The frame that goes on the wire: deflated when the browser can, plain otherwise. */
export async function encodePageFrame(kind: PageFrameKind, utf8: Uint8Array<ArrayBuffer>): Promise<Frame> {
  if (!canDeflate()) return plainFrame(kind, utf8);
  try {
    return withKind(kind | PAGE_FRAME_DEFLATED, await deflate(utf8));
  } catch {
    return plainFrame(kind, utf8);
  }
}
