/**
 * The delay before reconnect attempt `failures` (1 = first retry): "full jitter" exponential
 * backoff, a uniform draw in [0, min(cap, base * 2^(failures-1))). Full jitter spreads a crowd of
 * desktops that lost the same server over the whole window instead of in synchronized waves.
 * `random` returns [0, 1) like Math.random; it is a parameter so tests can pin the draw.
 */
export function backoffDelay(
  failures: number,
  limits: { readonly backoffBaseMs: number; readonly backoffCapMs: number },
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(failures) || failures < 1) throw new RangeError(`failures must be a positive integer, got ${failures}`);
  // 2^(failures-1) overflows to Infinity long after it passed any cap; min() keeps it finite.
  const ceiling = Math.min(limits.backoffCapMs, limits.backoffBaseMs * 2 ** Math.min(failures - 1, 1023));
  const draw = random();
  const unit = draw >= 0 && draw < 1 ? draw : 0;
  return Math.floor(unit * ceiling);
}
