import { setTimeout as delay } from "node:timers/promises";
import Anthropic, { APIConnectionError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type {
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import type { Logger } from "pino";
import {
  ModelPermanentError,
  ModelRetryableError,
  type ModelUsage,
  type ReviewModel,
  type ReviewRequest,
  type ReviewResult,
} from "./review-model.ts";
import {
  modelReviewJsonSchema,
  modelReviewSchema,
  type ModelReview,
} from "../review/review-output.ts";

export type AnthropicReviewModelOptions = {
  apiKey: string;
  /** Defaults to https://api.anthropic.com; the ANTHROPIC_BASE_URL variable is never read. */
  baseUrl?: string;
  /** e.g. "claude-sonnet-5-5". */
  model: string;
  /** Per HTTP request, in whole milliseconds; a request that takes longer is retried. */
  timeoutMs: number;
  /** Retries of one HTTP call after its first attempt (0 = no retries). */
  maxRetries: number;
  log?: Logger;
  /** Waits between retries; injectable so tests run instantly and can assert the waits. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Clock for `retry-after` HTTP dates; defaults to Date.now. */
  now?: () => number;
  /** Jitter source in [0, 1); defaults to Math.random. */
  random?: () => number;
};

const defaultBaseUrl = "https://api.anthropic.com";
const backoffBaseMs = 1_000;
const backoffCapMs = 60_000;
const retryAfterCapMs = 120_000;
/** How many validation problems the repair message and errors list. */
const maxListedProblems = 20;

/** The API's `retry-after-ms`, else `retry-after` (seconds or an HTTP date), capped; else undefined. */
function readRetryAfterMs(headers: Headers | undefined, nowMs: number): number | undefined {
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

/** Exponential backoff (1 s, 2 s, 4 s, ... capped at 60 s) with up to 25% jitter taken off. */
export function backoffMs(retryIndex: number, random: () => number): number {
  const ceiling = Math.min(backoffCapMs, backoffBaseMs * 2 ** retryIndex);
  return Math.round(ceiling * (1 - 0.25 * random()));
}

export type Failure =
  | { kind: "aborted" }
  | {
      kind: "retryable";
      status: number | undefined;
      reason: string;
      retryAfterMs: number | undefined;
    }
  | { kind: "permanent"; status: number | undefined; reason: string };

/** Sorts an error thrown by `messages.create` by what retrying could achieve. */
export function classifyFailure(error: unknown, nowMs: number): Failure {
  if (error instanceof APIUserAbortError) return { kind: "aborted" };
  // Includes APIConnectionTimeoutError: the request outlived timeoutMs.
  if (error instanceof APIConnectionError) {
    return { kind: "retryable", status: undefined, reason: error.name, retryAfterMs: undefined };
  }
  if (error instanceof APIError && typeof error.status === "number") {
    const status = error.status;
    const reason = `${status} ${error.type ?? "error"}`;
    // 408 is the server timing the request out; 529 (overloaded) is inside 5xx.
    if (status === 408 || status === 429 || status >= 500) {
      return {
        kind: "retryable",
        status,
        reason,
        retryAfterMs: readRetryAfterMs(error.headers, nowMs),
      };
    }
    // The API's own explanation (e.g. "prompt is too long") names what to fix; it holds no secrets.
    const detail = error.apiMessage ? `: ${error.apiMessage}` : "";
    return { kind: "permanent", status, reason: `${reason}${detail}` };
  }
  return { kind: "permanent", status: undefined, reason: "unexpected error" };
}

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

function abortedError(cause: unknown): ModelRetryableError {
  return new ModelRetryableError("The review call was aborted by its caller", { cause });
}

/** Settles like `promise`, or rejects with `signal.reason` as soon as `signal` aborts. */
export async function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** Waits `ms`, rejecting early with a retryable error if `signal` aborts. */
export async function waitUnlessAborted(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) throw abortedError(signal.reason);
  try {
    await raceAbort(sleep(ms), signal);
  } catch (error) {
    throw signal.aborted ? abortedError(signal.reason) : error;
  }
}

type ReadOutcome =
  { valid: true; review: ModelReview } | { valid: false; text: string; problems: string[] };

/** The JSON of a fenced answer, for a model or proxy that wraps it despite structured outputs. */
function stripCodeFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return fenced?.[1] ?? text;
}

/**
 * Reads the review out of a response. A truncated, unparseable or schema-violating answer comes
 * back as problems to repair; a refusal or an exhausted context window throws
 * ModelPermanentError, since asking again would end the same way.
 */
function readReview(message: Message): ReadOutcome {
  if (message.stop_reason === "refusal") {
    throw new ModelPermanentError(
      "The model refused to review this pull request (stop_reason refusal)",
    );
  }
  if (message.stop_reason === "model_context_window_exceeded") {
    throw new ModelPermanentError(
      "The prompt filled the model's context window (stop_reason model_context_window_exceeded); send a smaller diff",
    );
  }
  const text = message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
  if (message.stop_reason === "max_tokens") {
    return {
      valid: false,
      text,
      problems: [
        `The answer was cut off at the output token limit (${message.usage.output_tokens} tokens) before the JSON was complete.`,
      ],
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripCodeFence(text));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { valid: false, text, problems: [`The answer is not valid JSON: ${reason}`] };
  }
  const result = modelReviewSchema.safeParse(parsed);
  if (result.success) return { valid: true, review: result.data };
  return {
    valid: false,
    text,
    problems: result.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`,
    ),
  };
}

function listProblems(problems: string[]): string {
  const listed = problems.slice(0, maxListedProblems).map((problem) => `- ${problem}`);
  if (problems.length > maxListedProblems) {
    listed.push(`- ... and ${problems.length - maxListedProblems} more`);
  }
  return listed.join("\n");
}

/** The user turn asking the model to fix its own answer. */
function repairInstruction(problems: string[], truncated: boolean): string {
  return [
    "Your previous answer is not valid against the required JSON schema:",
    listProblems(problems),
    "",
    truncated
      ? "It ran out of output tokens, so make it shorter: keep only the most important findings and shorten explanations."
      : "Fix these problems and keep everything else as it was.",
    "Reply with the corrected JSON object only: no prose before or after it, no code fences.",
  ].join("\n");
}

function addUsage(total: ModelUsage, message: Message): ModelUsage {
  return {
    inputTokens: total.inputTokens + message.usage.input_tokens,
    outputTokens: total.outputTokens + message.usage.output_tokens,
    cacheReadTokens: total.cacheReadTokens + (message.usage.cache_read_input_tokens ?? 0),
    cacheWriteTokens: total.cacheWriteTokens + (message.usage.cache_creation_input_tokens ?? 0),
  };
}

/**
 * The review model backed by the Anthropic Messages API with structured outputs.
 *
 * One review is one call, plus at most one repair call when the answer is truncated or invalid.
 * Each HTTP call is retried by our own loop (the SDK's retries are off) on 408, 429, 5xx
 * (including 529 overloaded), connection errors and timeouts, waiting what `retry-after-ms` or
 * `retry-after` asks (at most 120 s), else exponential backoff with jitter.
 *
 * `review` throws ModelRetryableError when retries run out or the caller aborts, and
 * ModelPermanentError for any other 4xx, a refusal, or an answer still invalid after the repair.
 * Logs carry status codes, waits and token counts, never the API key or any prompt text.
 */
export function createAnthropicReviewModel(options: AnthropicReviewModelOptions): ReviewModel {
  if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new RangeError(
      `timeoutMs must be a positive whole number of milliseconds, got ${options.timeoutMs}`,
    );
  }
  if (!Number.isInteger(options.maxRetries) || options.maxRetries < 0) {
    throw new RangeError(
      `maxRetries must be a whole number of 0 or more, got ${options.maxRetries}`,
    );
  }
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? defaultBaseUrl,
    timeout: options.timeoutMs,
    maxRetries: 0,
    // The SDK's own logs at debug level include request bodies, i.e. the prompt.
    logLevel: "off",
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { model, maxRetries, timeoutMs } = options;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const log = options.log?.child({ model });

  /** One HTTP call with retries; resolves with the message and how many requests it took. */
  async function createWithRetries(
    params: MessageCreateParamsNonStreaming,
    signal: AbortSignal | undefined,
  ): Promise<{ message: Message; requests: number }> {
    for (let attempt = 0; ; attempt += 1) {
      if (signal?.aborted) throw abortedError(signal.reason);
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
        if (signal?.aborted) throw abortedError(signal.reason);
        const failure: Failure = deadline.aborted
          ? {
              kind: "retryable",
              status: undefined,
              reason: `timed out after ${timeoutMs} ms`,
              retryAfterMs: undefined,
            }
          : classifyFailure(error, now());
        if (failure.kind === "aborted") throw abortedError(error);
        if (failure.kind === "permanent") {
          log?.warn(
            { status: failure.status, attempt: attempt + 1 },
            "anthropic call refused; not retrying",
          );
          throw new ModelPermanentError(
            `The Anthropic API refused the review request (${failure.reason}); ${adviceFor(failure.status)}`,
            { cause: error, status: failure.status },
          );
        }
        if (attempt >= maxRetries) {
          log?.warn(
            { status: failure.status, attempts: attempt + 1 },
            "anthropic call failed; retries used up",
          );
          throw new ModelRetryableError(
            `The Anthropic API failed ${attempt + 1} time(s) (last: ${failure.reason}); try the review again later`,
            { cause: error, status: failure.status, retryAfterMs: failure.retryAfterMs },
          );
        }
        const waitMs = failure.retryAfterMs ?? backoffMs(attempt, random);
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
        await waitUnlessAborted(sleep, waitMs, signal);
      }
    }
  }

  return {
    id: model,
    async review(request: ReviewRequest, callOptions = {}): Promise<ReviewResult> {
      const { signal } = callOptions;
      // One breakpoint on the last stable block caches system + stableContext as one prefix.
      const cacheControl = { type: "ephemeral" } as const;
      const system: TextBlockParam[] =
        request.stableContext === ""
          ? [{ type: "text", text: request.system, cache_control: cacheControl }]
          : [
              { type: "text", text: request.system },
              { type: "text", text: request.stableContext, cache_control: cacheControl },
            ];
      const params = (messages: MessageParam[]): MessageCreateParamsNonStreaming => ({
        model,
        max_tokens: request.maxOutputTokens,
        system,
        messages,
        output_config: { format: { type: "json_schema", schema: modelReviewJsonSchema } },
      });
      const question: MessageParam = { role: "user", content: request.prompt };

      const first = await createWithRetries(params([question]), signal);
      let usage = addUsage(
        { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
        first.message,
      );
      let calls = first.requests;
      const firstOutcome = readReview(first.message);
      if (firstOutcome.valid) return { review: firstOutcome.review, usage, calls };

      const truncated = first.message.stop_reason === "max_tokens";
      log?.warn(
        { problems: firstOutcome.problems.length, stopReason: first.message.stop_reason },
        "model answer invalid; asking for a repair",
      );
      const repair = await createWithRetries(
        params([
          question,
          // An assistant turn may not be empty; trailing whitespace is trimmed for the same reason.
          { role: "assistant", content: firstOutcome.text.trimEnd() || "(empty answer)" },
          { role: "user", content: repairInstruction(firstOutcome.problems, truncated) },
        ]),
        signal,
      );
      usage = addUsage(usage, repair.message);
      calls += repair.requests;
      const repairOutcome = readReview(repair.message);
      if (repairOutcome.valid) return { review: repairOutcome.review, usage, calls };

      log?.warn(
        { problems: repairOutcome.problems.length, stopReason: repair.message.stop_reason },
        "model answer still invalid after repair",
      );
      throw new ModelPermanentError(
        `The model's answer was still invalid after one repair attempt:\n${listProblems(repairOutcome.problems)}`,
      );
    },
  };
}
