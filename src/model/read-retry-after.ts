/** Longest wait a server may ask for; a longer one is cut to this (the job retries later anyway). */
const retryAfterCapMs = 120_000;

/**
 * How long the server asked us to wait: `retry-after-ms`, else `retry-after` (seconds or an HTTP
 * date, measured from `nowMs`), capped at 120 s; undefined when neither header is usable.
 */
export function readRetryAfterMs(headers: Headers | undefined, nowMs: number): number | undefined {
  const milliseconds = headers?.get("retry-after-ms")?.trim();
  if (milliseconds) {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.min(value, retryAfterCapMs);
  }
  const retryAfter = headers?.get("retry-after")?.trim();
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) {
      if (seconds >= 0) return Math.min(seconds * 1000, retryAfterCapMs);
    } else {
      const date = Date.parse(retryAfter);
      if (!Number.isNaN(date)) return Math.min(Math.max(0, date - nowMs), retryAfterCapMs);
    }
  }
  return undefined;
}
