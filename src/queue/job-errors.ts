/**
 * A failure that another attempt cannot fix (a PR that no longer exists, bad input).
 * The job goes straight to its dead-letter queue instead of retrying.
 */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}

/** Normalises anything thrown into an Error, keeping the original as `cause`. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === "string" ? thrown : JSON.stringify(thrown), { cause: thrown });
}
