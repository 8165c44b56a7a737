// Visits a list in slices, yielding to the event loop (setImmediate) between them, so a sweep
// over every socket (the heartbeat) never holds up the page frames waiting behind it.

/** Starts the sweep; the returned function stops it before the next slice. */
export function sweepInSlices<T>(items: readonly T[], sliceSize: number, visit: (item: T) => void, done: () => void = () => {}): () => void {
  let next = 0;
  let pending: NodeJS.Immediate | null = null;
  let stopped = false;
  const slice = (): void => {
    pending = null;
    if (stopped) return;
    const end = Math.min(items.length, next + Math.max(1, sliceSize));
    for (; next < end; next++) visit(items[next]!);
    if (next < items.length) pending = setImmediate(slice);
    else done();
  };
  slice();
  return () => {
    stopped = true;
    if (pending) clearImmediate(pending);
    pending = null;
  };
}
