// The browser shell's local API socket (ws://127.0.0.1:<port>/api): the same AgentDeskApi calls
// the Electron preload makes over IPC, carried as JSON messages. The host parses every message from
// the page with these schemas.
import { z } from 'zod';
import type { ApiResult, AppState, PageFrame } from './api.js';

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
  | { readonly type: 'state'; readonly state: AppState }
  /** A page-stream frame of the joined session, pushed as it arrives (after the welcome only). */
  | { readonly type: 'page-frame'; readonly frame: PageFrame };

/** Close codes of the API socket (4000–4999 are the application's). */
export const HOST_CLOSE = {
  /** No hello, or a wrong key: the page was not opened from the host's link. */
  Unauthorized: 4401,
  /** A message that does not parse. */
  ProtocolError: 4400,
} as const;
