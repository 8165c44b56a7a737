// The customer-to-agent delay of the page stream. rrweb stamps each event with the customer's
// clock; the main process stamps the frame with the agent's clock when it arrives and passes the
// clock offset the lag probes measured (customer − agent). An event at customer time T happened at
// agent time T − offset, so its delay is receivedAt − (T − offset). A frame's lag is that of its
// oldest event: how long the earliest change in it took to reach the agent.
import type { PageEvent } from './page-events.js';

export function frameLagMs(events: readonly Pick<PageEvent, 'timestamp'>[], receivedAt: number, clockOffsetMs: number | null): number | null {
  if (clockOffsetMs === null || events.length === 0) return null;
  const oldest = events.reduce((min, e) => Math.min(min, e.timestamp), Number.POSITIVE_INFINITY);
  const lag = receivedAt - (oldest - clockOffsetMs);
  // The offset is only known to within half a round trip, so a tiny negative lag is measurement
  // error, not time travel.
  return Math.max(0, Math.round(lag));
}

/** "85 ms", "1.2 s", or a dash before the first measurement. */
export function formatLag(lagMs: number | null): string {
  if (lagMs === null) return '–';
  if (lagMs < 1000) return `${lagMs} ms`;
  return `${(lagMs / 1000).toFixed(1)} s`;
}
