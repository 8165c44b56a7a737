// rrweb's live mode replays an event when its own timer reaches `timestamp − baseline`. The
// timestamps are the customer's clock, so an offset clock, or a snapshot that took long to arrive,
// would hold every later change back. The view therefore re-times each batch onto the agent's
// clock: the batch starts when it arrived, the spacing inside it (a mouse path, typing) is kept,
// and times never go backwards, so rrweb never reorders mutations.

export interface Retimed<E> {
  readonly events: E[];
  /** The latest re-timed timestamp, to pass to the next batch. */
  readonly last: number;
}

export function retimeBatch<E extends { readonly timestamp: number }>(events: readonly E[], receivedAt: number, previousLast: number): Retimed<E> {
  if (events.length === 0) return { events: [], last: previousLast };
  const first = events.reduce((min, e) => Math.min(min, e.timestamp), Number.POSITIVE_INFINITY);
  let last = previousLast;
  const out = events.map((event) => {
    last = Math.max(last, receivedAt + (event.timestamp - first));
    return { ...event, timestamp: last };
  });
  return { events: out, last };
}
