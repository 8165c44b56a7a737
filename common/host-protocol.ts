// The browser shell's local API socket (ws://127.0.0.1:<port>/api): the same AgentDeskApi calls
// the Electron preload makes over IPC, carried as JSON text messages, and page frames as binary
// messages (their JSON text is not wrapped in another JSON message). The host parses every message
// from the page with these schemas.
import { z } from 'zod';
import type { ApiResult, AppState, PageFrame } from './api.js';
import { PageFrameKind, pageFrameKindName } from './protocol-constants.js';

export const HOST_API_PATH = '/api';

/** The page proves it was opened from the link the host printed: `#key=<per-launch key>`. */
export const HOST_KEY_PARAM = 'key';

export const pageToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), key: z.string().min(1).max(128) }).strict(),
  z
    .object({
      type: z.literal('call'),
      id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      op: z.string().max(64),
      args: z.array(z.unknown()).max(8),
    })
    .strict(),
]);
export type PageToHost = z.infer<typeof pageToHostSchema>;

export type HostToPage =
  | { readonly type: 'welcome' }
  | { readonly type: 'result'; readonly id: number; readonly result: ApiResult<unknown> }
  | { readonly type: 'state'; readonly state: AppState };

/**
 * A page-stream frame of the joined session, pushed as it arrives (after the welcome only), is one
 * binary message: byte 0 the kind (PageFrameKind), bytes 1-8 `receivedAt` (float64, big-endian),
 * then the frame's JSON text as UTF-8. Text and bytes are converted by the caller (common/ has
 * no TextEncoder).
 */
export const HOST_FRAME_HEADER_BYTES = 9;

const KIND_BYTES: Readonly<Record<PageFrame['kind'], PageFrameKind>> = { snapshot: PageFrameKind.Snapshot, incremental: PageFrameKind.Incremental };

/** The header to put before a frame's UTF-8 text. */
export function hostFrameHeader(frame: Pick<PageFrame, 'kind' | 'receivedAt'>): Uint8Array {
  const header = new Uint8Array(HOST_FRAME_HEADER_BYTES);
  header[0] = KIND_BYTES[frame.kind];
  new DataView(header.buffer).setFloat64(1, frame.receivedAt);
  return header;
}

/** The kind, receive time and UTF-8 text of a binary frame message; null when it is not one. */
export function readHostFrame(message: Uint8Array): { readonly kind: PageFrame['kind']; readonly receivedAt: number; readonly text: Uint8Array } | null {
  if (message.length < HOST_FRAME_HEADER_BYTES) return null;
  const kind = pageFrameKindName(message[0]);
  if (kind === null) return null;
  const receivedAt = new DataView(message.buffer, message.byteOffset, HOST_FRAME_HEADER_BYTES).getFloat64(1);
  return { kind, receivedAt, text: message.subarray(HOST_FRAME_HEADER_BYTES) };
}

/** Close codes of the API socket (4000–4999 are the application's). */
export const HOST_CLOSE = {
  /** No hello, or a wrong key: the page was not opened from the host's link. */
  Unauthorized: 4401,
  /** A message that does not parse. */
  ProtocolError: 4400,
} as const;
