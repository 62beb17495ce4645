/**
 * Upper bounds of review_daily_rollup's time-to-review buckets, in milliseconds (a copy of
 * migration 20261217T1000's, which test/dashboard/review-rollup.test.ts checks): bucket 0 is
 * [0, 1 s), bucket i is [bound i-1, bound i), the last is 3 h and over. About 10 to 25% wide up to
 * 30 minutes; they include the overview's display bounds (TIME_TO_REVIEW_BOUNDS).
 */
export const REVIEW_DURATION_BOUNDS_MS = [
  1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 105, 120, 140, 160,
  180, 210, 240, 270, 300, 360, 420, 480, 540, 600, 720, 840, 960, 1080, 1200, 1500, 1800, 2100,
  2400, 3000, 3600, 4500, 5400, 7200, 10800,
].map((seconds) => seconds * 1000);

/** The bucket (0-based) a duration falls in. */
export function durationBucket(ms: number): number {
  let i = 0;
  while (i < REVIEW_DURATION_BOUNDS_MS.length && ms >= REVIEW_DURATION_BOUNDS_MS[i]!) i++;
  return i;
}

/**
 * The p-th percentile (0 to 1) of the durations counted in `counts` (one per bucket), linearly
 * interpolated inside the bucket it falls in, as percentile_cont does between values: so it is
 * off by at most that bucket's width. In the last, open bucket it is its lower bound. Null when
 * there is nothing counted.
 */
export function bucketPercentile(counts: readonly number[], p: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = p * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (n > 0 && below + n >= rank) {
      const low = i === 0 ? 0 : REVIEW_DURATION_BOUNDS_MS[i - 1]!;
      const high = REVIEW_DURATION_BOUNDS_MS[i];
      if (high === undefined) return low;
      return low + ((rank - below) / n) * (high - low);
    }
    below += n;
  }
  return REVIEW_DURATION_BOUNDS_MS.at(-1)!;
}
