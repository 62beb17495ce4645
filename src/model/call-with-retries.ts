import type { Logger } from "pino";
import { backoffMs } from "./backoff-ms.ts";
import type { Failure } from "./classify-failure.ts";
import { abortedError, ModelPermanentError, ModelRetryableError } from "./model-errors.ts";
import { raceAbort } from "./race-abort.ts";
import { waitUnlessAborted } from "./wait-unless-aborted.ts";

export type RetryPolicy = {
  /** Named in errors and logs, e.g. "review". */
  task: string;
  /** Deadline of one attempt, response body included. */
  timeoutMs: number;
  /** Retries after the first attempt (0 = none). */
  maxRetries: number;
  /**
   * Give up at the first 529 or 503 (overloaded) instead of retrying: set when a fallback model
   * waits, since it answers sooner than the overloaded one recovers.
   */
  giveUpWhenOverloaded: boolean;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  log: Logger | undefined;
};

/** How one provider's SDK errors read: its name in messages, its failures, advice per status. */
export type ProviderFailures = {
  /** As messages name it, e.g. "The Anthropic API". */
  name: string;
  classify: (error: unknown, nowMs: number) => Failure;
  /** What to check for a refused request, so the message says what to fix. */
  advise: (status: number | undefined) => string;
};

/** 529 is Anthropic's "overloaded"; 503 is how Bedrock, Vertex and proxies say the same. */
const overloadedStatuses = new Set([503, 529]);

/**
 * Sends one request with `send` (the SDK's own retries must be off), retrying it on what
 * `provider.classify` calls retryable (408, 429, 5xx, connection errors) and on attempts that
 * outlive `timeoutMs`, up to `maxRetries` times. Each wait is what the server asked
 * (`retry-after-ms`/`retry-after`, at most 120 s), else exponential backoff with jitter. Resolves
 * with the response and how many requests it took. The one retry loop of every provider.
 *
 * Throws ModelRetryableError when retries run out (with the last status and `retry-after`), at
 * once on 529/503 under `giveUpWhenOverloaded`, or when `signal` aborts; and ModelPermanentError,
 * without retrying, for any other refusal (4xx). Logs statuses and waits, never keys or prompts.
 */
export async function callWithRetries<T>(
  send: (signal: AbortSignal) => Promise<T>,
  provider: ProviderFailures,
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
): Promise<{ response: T; requests: number }> {
  const { task, timeoutMs, maxRetries, now, log } = policy;
  for (let attempt = 0; ; attempt += 1) {
    if (signal?.aborted) throw abortedError(task, signal.reason);
    const startedAt = now();
    // Our own deadline over the whole exchange: an SDK's `timeout` stops at the response
    // headers, so a stalled body would otherwise hang the job.
    const deadline = AbortSignal.timeout(timeoutMs);
    const attemptSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      const response = await raceAbort(send(attemptSignal), attemptSignal);
      log?.debug({ attempt: attempt + 1, durationMs: now() - startedAt }, "model call succeeded");
      return { response, requests: attempt + 1 };
    } catch (error) {
      if (signal?.aborted) throw abortedError(task, signal.reason);
      const failure: Failure = deadline.aborted
        ? {
            kind: "retryable",
            status: undefined,
            reason: `timed out after ${timeoutMs} ms`,
            retryAfterMs: undefined,
          }
        : provider.classify(error, now());
      if (failure.kind === "aborted") throw abortedError(task, error);
      if (failure.kind === "permanent") {
        log?.warn(
          { status: failure.status, attempt: attempt + 1 },
          "model call refused; not retrying",
        );
        throw new ModelPermanentError(
          `${provider.name} refused the ${task} request (${failure.reason}); ${provider.advise(failure.status)}`,
          { cause: error, status: failure.status },
        );
      }
      const overloaded =
        policy.giveUpWhenOverloaded &&
        failure.status !== undefined &&
        overloadedStatuses.has(failure.status);
      if (attempt >= maxRetries || overloaded) {
        log?.warn(
          { status: failure.status, attempts: attempt + 1 },
          overloaded
            ? "model overloaded; giving up for the fallback"
            : "model call failed; retries used up",
        );
        throw new ModelRetryableError(
          `${provider.name} failed ${attempt + 1} time(s) (last: ${failure.reason}); try the ${task} again later`,
          { cause: error, status: failure.status, retryAfterMs: failure.retryAfterMs },
        );
      }
      const waitMs = failure.retryAfterMs ?? backoffMs(attempt, policy.random);
      log?.warn(
        {
          status: failure.status,
          reason: failure.reason,
          attempt: attempt + 1,
          maxRetries,
          waitMs,
          waitFrom: failure.retryAfterMs === undefined ? "backoff" : "retry-after",
        },
        "model call failed; retrying",
      );
      await waitUnlessAborted(policy.sleep, waitMs, signal, task);
    }
  }
}
