import type Anthropic from "@anthropic-ai/sdk";
import type {
  Message,
  MessageCreateParamsNonStreaming,
} from "@anthropic-ai/sdk/resources/messages";
import type { Logger } from "pino";
import { backoffMs } from "./backoff-ms.ts";
import { classifyFailure, type Failure } from "./classify-failure.ts";
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
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  log: Logger | undefined;
};

/** What to check for a refused request, so the message says what to fix. */
function adviceFor(status: number | undefined): string {
  switch (status) {
    case 401:
      return "check the Anthropic API key";
    case 403:
      return "the API key lacks permission for this model or feature";
    case 404:
      return "check the model name";
    case 400:
    case 413:
      return "the request itself is invalid or too large";
    default:
      return "the request will fail the same way again";
  }
}

/**
 * Sends one Messages API request, retrying it (the SDK's own retries must be off) on 408, 429,
 * 5xx (529 overloaded included), connection errors and attempts that outlive `timeoutMs`, up to
 * `maxRetries` times. Each wait is what `retry-after-ms` or `retry-after` asked (at most 120 s),
 * else exponential backoff with jitter. Resolves with the message and how many requests it took.
 *
 * Throws ModelRetryableError when retries run out (with the last status and `retry-after`) or
 * `signal` aborts, and ModelPermanentError, without retrying, for any other refusal (4xx).
 * Logs statuses, waits and token counts, never the API key or the prompt.
 */
export async function createMessageWithRetries(
  client: Anthropic,
  params: MessageCreateParamsNonStreaming,
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
): Promise<{ message: Message; requests: number }> {
  const { task, timeoutMs, maxRetries, now, log } = policy;
  for (let attempt = 0; ; attempt += 1) {
    if (signal?.aborted) throw abortedError(task, signal.reason);
    const startedAt = now();
    // Our own deadline over the whole exchange: the SDK's `timeout` stops at the response
    // headers, so a stalled body would otherwise hang the job.
    const deadline = AbortSignal.timeout(timeoutMs);
    const attemptSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      const message = await raceAbort(
        client.messages.create(params, { signal: attemptSignal }),
        attemptSignal,
      );
      log?.debug(
        {
          attempt: attempt + 1,
          durationMs: now() - startedAt,
          stopReason: message.stop_reason,
          inputTokens: message.usage.input_tokens,
          outputTokens: message.usage.output_tokens,
          cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
          cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
        },
        "anthropic call succeeded",
      );
      return { message, requests: attempt + 1 };
    } catch (error) {
      if (signal?.aborted) throw abortedError(task, signal.reason);
      const failure: Failure = deadline.aborted
        ? {
            kind: "retryable",
            status: undefined,
            reason: `timed out after ${timeoutMs} ms`,
            retryAfterMs: undefined,
          }
        : classifyFailure(error, now());
      if (failure.kind === "aborted") throw abortedError(task, error);
      if (failure.kind === "permanent") {
        log?.warn(
          { status: failure.status, attempt: attempt + 1 },
          "anthropic call refused; not retrying",
        );
        throw new ModelPermanentError(
          `The Anthropic API refused the ${task} request (${failure.reason}); ${adviceFor(failure.status)}`,
          { cause: error, status: failure.status },
        );
      }
      if (attempt >= maxRetries) {
        log?.warn(
          { status: failure.status, attempts: attempt + 1 },
          "anthropic call failed; retries used up",
        );
        throw new ModelRetryableError(
          `The Anthropic API failed ${attempt + 1} time(s) (last: ${failure.reason}); try the ${task} again later`,
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
        "anthropic call failed; retrying",
      );
      await waitUnlessAborted(policy.sleep, waitMs, signal, task);
    }
  }
}
