const backoffBaseMs = 1_000;
const backoffCapMs = 60_000;

/**
 * The wait before retry number `retryIndex` (0-based) when the server did not say: exponential
 * (1 s, 2 s, 4 s, ... capped at 60 s) with up to 25% jitter taken off, so that clients that
 * failed together do not retry together. `random` returns a number in [0, 1).
 */
export function backoffMs(retryIndex: number, random: () => number): number {
  const ceiling = Math.min(backoffCapMs, backoffBaseMs * 2 ** retryIndex);
  return Math.round(ceiling * (1 - 0.25 * random()));
}
