/**
 * The service was overloaded, rate limited, failing (5xx), unreachable or too slow, and stayed so
 * through our own retries; or the caller aborted. The job should retry later, no sooner than
 * `retryAfterMs` when the API said how long to wait.
 */
export class ModelRetryableError extends Error {
  override name = "ModelRetryableError";
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: { cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * A request the API refused (400, 401, 403, 404, ...), a refusal, or an answer that was still
 * invalid (after the repair attempt, when one was allowed). Retrying the same request will not
 * help: fail the job.
 */
export class ModelPermanentError extends Error {
  override name = "ModelPermanentError";
  readonly status: number | undefined;
  /**
   * Why, for what the user is told: the API refused the request (`rejected`, a 4xx), the model
   * declined to answer (`refused`), its answer could not be read (`invalid-output`), or the prompt
   * did not fit its context window (`too-large`).
   */
  readonly kind: ModelFailureKind;

  constructor(
    message: string,
    options: { cause?: unknown; status?: number; kind?: ModelFailureKind } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.kind = options.kind ?? "rejected";
  }
}

export type ModelFailureKind = "rejected" | "refused" | "invalid-output" | "too-large";

/** The error for a call its caller aborted: retryable, since the work itself did not fail. */
export function abortedError(task: string, cause: unknown): ModelRetryableError {
  return new ModelRetryableError(`The ${task} call was aborted by its caller`, { cause });
}
