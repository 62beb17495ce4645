import { setTimeout as delay } from "node:timers/promises";
import Anthropic from "@anthropic-ai/sdk";
import type {
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import type { Logger } from "pino";
import { createMessageWithRetries, type RetryPolicy } from "./create-message-with-retries.ts";
import { listProblems } from "./list-problems.ts";
import { ModelPermanentError } from "./model-errors.ts";
import { readStructuredAnswer } from "./read-structured-answer.ts";
import { repairInstruction } from "./repair-instruction.ts";
import type {
  GenerateRequest,
  GenerateResult,
  ModelUsage,
  StructuredModel,
  SystemBlock,
} from "./structured-model.ts";

export type AnthropicModelOptions = {
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

/**
 * The system prompt as the Messages API takes it: a cache breakpoint becomes `cache_control` on
 * its block. One block without a breakpoint is sent as a plain string (the API reads both alike).
 */
function systemParam(blocks: SystemBlock[]): string | TextBlockParam[] {
  if (blocks.length === 1 && !blocks[0]!.cacheBreakpoint) return blocks[0]!.text;
  return blocks.map((block) =>
    block.cacheBreakpoint
      ? { type: "text", text: block.text, cache_control: { type: "ephemeral" } }
      : { type: "text", text: block.text },
  );
}

function addUsage(total: ModelUsage, message: Message): ModelUsage {
  return {
    inputTokens: total.inputTokens + message.usage.input_tokens,
    outputTokens: total.outputTokens + message.usage.output_tokens,
    cacheReadTokens: total.cacheReadTokens + (message.usage.cache_read_input_tokens ?? 0),
    cacheWriteTokens: total.cacheWriteTokens + (message.usage.cache_creation_input_tokens ?? 0),
  };
}

const noUsage: ModelUsage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
};

/**
 * The structured model on the Anthropic Messages API: structured outputs (`output_config` with the
 * request's JSON Schema), every answer checked with its zod schema, prompt caching where the
 * system blocks ask for it.
 *
 * One `generate` is one call, plus (with `repair: "once"`) at most one repair call when the answer
 * is truncated or invalid, which sends the answer back with its problems. Each HTTP call is
 * retried by `createMessageWithRetries` (the SDK's retries are off).
 *
 * `generate` throws ModelRetryableError when retries run out or the caller aborts, and
 * ModelPermanentError for any other 4xx, a refusal, or an answer still invalid. Logs carry status
 * codes, waits and token counts, never the API key or any prompt text. Throws RangeError at
 * construction for a `timeoutMs` or `maxRetries` the SDK would only reject at request time.
 */
export function createAnthropicModel(options: AnthropicModelOptions): StructuredModel {
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
  const { model } = options;
  const log = options.log?.child({ model });
  const policyOf = (task: string): RetryPolicy => ({
    task,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    sleep: options.sleep ?? ((ms: number) => delay(ms)),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    log: log?.child({ task }),
  });

  return {
    id: model,
    async generate<T>(
      request: GenerateRequest<T>,
      callOptions: { signal?: AbortSignal } = {},
    ): Promise<GenerateResult<T>> {
      const { task, output } = request;
      const { signal } = callOptions;
      const policy = policyOf(task);
      const params = (messages: MessageParam[]): MessageCreateParamsNonStreaming => ({
        model,
        max_tokens: request.maxOutputTokens,
        system: systemParam(request.system),
        messages,
        output_config: { format: { type: "json_schema", schema: output.json } },
      });

      const first = await createMessageWithRetries(
        client,
        params(request.messages),
        policy,
        signal,
      );
      let usage = addUsage(noUsage, first.message);
      let calls = first.requests;
      const firstAnswer = readStructuredAnswer(first.message, output.parse, task);
      if (firstAnswer.valid) return { value: firstAnswer.value, usage, calls };
      if (request.repair === "never") {
        policy.log?.warn(
          { problems: firstAnswer.problems.length, stopReason: first.message.stop_reason },
          "model answer invalid; no repair allowed",
        );
        throw new ModelPermanentError(
          `The model's answer to the ${task} request is invalid:\n${listProblems(firstAnswer.problems)}`,
          { kind: "invalid-output" },
        );
      }

      const truncated = first.message.stop_reason === "max_tokens";
      policy.log?.warn(
        { problems: firstAnswer.problems.length, stopReason: first.message.stop_reason },
        "model answer invalid; asking for a repair",
      );
      const repair = await createMessageWithRetries(
        client,
        params([
          ...request.messages,
          // An assistant turn may not be empty; trailing whitespace is trimmed for the same reason.
          { role: "assistant", content: firstAnswer.text.trimEnd() || "(empty answer)" },
          { role: "user", content: repairInstruction(firstAnswer.problems, truncated) },
        ]),
        policy,
        signal,
      );
      usage = addUsage(usage, repair.message);
      calls += repair.requests;
      const repairAnswer = readStructuredAnswer(repair.message, output.parse, task);
      if (repairAnswer.valid) return { value: repairAnswer.value, usage, calls };

      policy.log?.warn(
        { problems: repairAnswer.problems.length, stopReason: repair.message.stop_reason },
        "model answer still invalid after repair",
      );
      throw new ModelPermanentError(
        `The model's answer was still invalid after one repair attempt:\n${listProblems(repairAnswer.problems)}`,
        { kind: "invalid-output" },
      );
    },
  };
}
