// Limits of the browser shell, with their reasons.

/** A hand-over message is one callback URL (capped at 8 KiB by the sign-in service) plus framing;
 * a peer sending more than this is not a second AgentDesk instance. */
export const HANDOVER_MAX_BYTES = 16 * 1024;

/** A second instance waits this long for the first to acknowledge a hand-over before it reports
 * the running instance as unresponsive: a live instance answers in milliseconds. */
export const HANDOVER_TIMEOUT_MS = 5_000;

/** Largest call the renderer may send over the local API socket: settings with 20 providers are a
 * few KiB; nothing legitimate comes near this. */
export const API_MAX_PAYLOAD_BYTES = 64 * 1024;

/** The renderer must prove it holds the per-launch key within this time after connecting. */
export const API_HELLO_TIMEOUT_MS = 5_000;

/** Unix socket paths are limited to 107 bytes on Linux (104 on macOS); longer data-dir paths put
 * the socket under the temp dir, named by a hash of the data dir. */
export const UNIX_SOCKET_PATH_MAX = 100;
