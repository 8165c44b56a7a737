// Every limit of the customer snippet, with the reason it has this value.

/**
 * Incremental events wait at most this long before they are sent: well under the 100 ms at which
 * people notice a delay, while a burst of typing or scrolling still becomes one frame, not dozens.
 */
export const FLUSH_INTERVAL_MS = 50;

/** A batch is sent at once when it holds this many events (a large burst: a list re-rendering). */
export const FLUSH_EVENT_COUNT = 200;

/**
 * The server closes the socket on an incremental frame over 512 KiB. A batch whose JSON text
 * exceeds this (a huge mutation) is replaced by a full snapshot, which may be up to 8 MiB. It is
 * checked before compression, which never makes a frame meaningfully larger.
 */
export const MAX_INCREMENTAL_FRAME_BYTES = 400 * 1024;

/**
 * The server's ceiling for a full snapshot frame (customerMaxPayloadBytes), applied to the frame
 * as sent (compressed when the browser can): a bigger page cannot be shared.
 */
export const MAX_SNAPSHOT_FRAME_BYTES = 8 * 1024 * 1024 - 1024;

/**
 * A snapshot's JSON text before compression: the desktop inflates at most this much
 * (src/cobrowse/limits.ts MAX_INFLATED_PAGE_FRAME_BYTES, the replay log's budget); a page whose
 * snapshot text is bigger cannot be replayed, however well it compresses.
 */
export const MAX_SNAPSHOT_JSON_BYTES = 32 * 1024 * 1024;

/**
 * A page with more elements than this has its snapshot taken in slices (sliced-snapshot.ts). rrweb
 * and the privacy filter take about 22-27 µs per element (the 10,000-element page: 220-265 ms in
 * one task), so 1,000 elements stay near 25 ms, half the 50 ms at which a task counts as long and
 * the page as frozen, with room for a slower phone; a smaller page keeps rrweb's one-call
 * snapshot, whose FullSnapshot holds the whole page.
 */
export const SLICED_SNAPSHOT_ABOVE_ELEMENTS = 1000;

/**
 * Work per slice of a sliced snapshot before the page gets its main thread back. With the privacy
 * filter's share and the frame's JSON on top, a slice stays well under 50 ms (a long task);
 * yielding more often would stretch the whole snapshot (10,000 elements: within 1 s).
 */
export const SNAPSHOT_SLICE_MS = 8;

/** How long the pointer highlight stays on the customer's page. */
export const POINTER_HIGHLIGHT_MS = 1500;

/**
 * Reconnect attempts after an unexpected drop: 0.5 s, doubling up to 4 s, and only while the
 * server's resume grace (30 s) can still be met; past it the session is over anyway.
 */
export const RECONNECT_FIRST_DELAY_MS = 500;
export const RECONNECT_MAX_DELAY_MS = 4000;

/** Page titles and URLs longer than the protocol allows are cut (protocol.ts: 300 and 2048). */
export const MAX_TITLE_CHARS = 300;
export const MAX_URL_CHARS = 2048;

/** The page's config object is small; one this large is a mistake, not a config. */
export const MAX_MASK_RULES = 100;
export const MAX_SELECTORS_PER_RULE = 100;

/** A pen stroke of the agent stays this long, then fades: long enough to follow what they circle,
 * short enough that the page is soon the customer's own again. */
export const ANNOTATION_SHOW_MS = 4000;

/** The agent's cursor is hidden when no update came for this long (the agent's window lost the
 * mouse without saying so); updates come a few times a second while it moves. */
export const AGENT_CURSOR_IDLE_MS = 5000;

/** While an agent watches, their lag probes arrive every 2 s (src/cobrowse/limits.ts
 * probeIntervalMs). Nothing from the server for this long is four missed probes: a stalled link
 * (a hung server or proxy), not jitter, so the bar stops saying the agent sees the page live. */
export const AGENT_SILENT_MS = 8000;
/** How often the page checks for that silence. */
export const SILENCE_CHECK_MS = 1000;
