// Every limit of the server's store, config and CLI, with the reason it has this value.

/**
 * How often the running server asks SQLite whether another connection committed (`PRAGMA
 * data_version`). A token change must reach the server within one second; four polls a second
 * leave room for the re-read and the listeners, and the pragma is a cheap in-memory check.
 */
export const TOKEN_POLL_INTERVAL_MS = 250;

/**
 * Longest rotation grace for `options set slave.password NEW --grace SECONDS`: one week. A grace
 * lets agents roll over to the new token; a longer one would keep a retired secret alive for no
 * operational reason.
 */
export const MAX_GRACE_SECONDS = 7 * 24 * 60 * 60;

/** A config file is a few hundred bytes; anything past 64 KiB is not a config file. */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024;

/** A token read from stdin is 26 digits and a newline; 1 KiB leaves room for stray whitespace. */
export const MAX_STDIN_TOKEN_BYTES = 1024;

/** How long `options set slave.password -` waits for stdin to end before giving up. */
export const STDIN_TIMEOUT_MS = 30_000;

/** A key file holds a handful of keys in JSON; anything past 64 KiB is not a key file. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * Keys kept in one key file. Rotation adds a key and keeps the old ones so values sealed under
 * them stay readable; 32 rotations is far beyond any sane schedule and keeps the file small.
 */
export const MAX_KEYS_PER_KEY_FILE = 32;

/**
 * How often the running server stats its database file (device and inode, server/store/
 * database-watch.ts). A deleted or replaced file must stop admission within a few seconds, before
 * an operator's next command or a customer's next session; one stat a second costs nothing.
 */
export const DATABASE_WATCH_INTERVAL_MS = 1_000;

/** How long a writer waits for another process's SQLite write lock before failing. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * The most `drainSeconds` (config file) may be: on SIGTERM `serve` first drains that long at most
 * (/readyz 503, listener open, live sessions may finish), then closes within SHUTDOWN_TIMEOUT_MS;
 * orchestrators (Kubernetes, systemd) kill after their own grace, which must cover both.
 */
export const MAX_DRAIN_SECONDS = 300;

/** How long `serve` waits for `close()` on SIGTERM/SIGINT before exiting anyway. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
