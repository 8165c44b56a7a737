// Whether the mirror is live: the lag probes echo every ~2 s while the session is joined
// (src/cobrowse/limits.ts `probeIntervalMs`), and page frames arrive whenever the customer's page
// changes. When neither has arrived for a while, the link is up as far as TCP knows but nothing
// comes through (a hung server, a stalled proxy): the view must stop saying "live".

/** Three probe intervals: one late echo is jitter, three missed ones is a stalled link. */
export const LIVENESS_STALE_MS = 6_000;

export type Liveness =
  | { readonly status: 'live' }
  | { readonly status: 'stale'; readonly silentForMs: number }
  | { readonly status: 'reconnecting'; readonly silentForMs: number }
  | { readonly status: 'customer-away' };

export interface LivenessInput {
  readonly sessionStatus: 'joined' | 'reconnecting';
  readonly customerAway: boolean;
  /** Epoch ms: when the session was joined (or the view mounted), the latest probe echo, the latest frame. */
  readonly heardAt: readonly (number | null | undefined)[];
  readonly now: number;
}

export function liveness(input: LivenessInput): Liveness {
  const last = Math.max(0, ...input.heardAt.filter((t): t is number => typeof t === 'number'));
  const silentForMs = Math.max(0, input.now - last);
  if (input.sessionStatus === 'reconnecting') return { status: 'reconnecting', silentForMs };
  if (input.customerAway) return { status: 'customer-away' };
  return silentForMs > LIVENESS_STALE_MS ? { status: 'stale', silentForMs } : { status: 'live' };
}

/** "Last update 12 s ago" / "Last update 2 min ago". */
export function lastUpdateText(silentForMs: number): string {
  const seconds = Math.floor(silentForMs / 1000);
  if (seconds < 120) return `Last update ${seconds} s ago`;
  return `Last update ${Math.floor(seconds / 60)} min ago`;
}
