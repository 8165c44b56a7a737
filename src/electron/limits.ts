// Limits of the Electron shell, with their reasons.

/** Launch arguments and open-url events that arrive before the core is ready are queued. A person
 * clicks a sign-in link a handful of times at most while the app starts; more is a loop or an
 * attack, so the oldest entries are dropped past this. */
export const LAUNCH_QUEUE_MAX = 16;

/** The main window never gets smaller than the layout the agent UI is designed for. */
export const WINDOW_MIN_WIDTH = 1024;
export const WINDOW_MIN_HEIGHT = 640;

/** The first size of the main window: room for the session view beside the header. */
export const WINDOW_DEFAULT_WIDTH = 1280;
export const WINDOW_DEFAULT_HEIGHT = 800;

/** The pop-out window holds only the mirror and one bar: it may be smaller than the main window,
 * down to what still shows a phone-sized page at a readable scale and the bar on two lines. */
export const POP_OUT_MIN_WIDTH = 480;
export const POP_OUT_MIN_HEIGHT = 360;

/** A proxy must answer the CONNECT of the co-browse socket within this. The socket's own handshake
 * timeout starts only once the tunnel exists, and a proxy that accepts TCP but never answers
 * would otherwise hold the attempt forever. Ten seconds covers a slow corporate proxy. */
export const PROXY_CONNECT_TIMEOUT_MS = 10_000;

/** Largest CONNECT answer read from a proxy: a status line and a few headers. More is a broken or
 * hostile proxy, not a slow one. */
export const PROXY_RESPONSE_MAX_BYTES = 16 * 1024;
