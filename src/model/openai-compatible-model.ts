import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { callWithRetries, type ProviderFailures } from "./call-with-retries.ts";
import { classifyOpenAIFailure } from "./classify-openai-failure.ts";
import { createRetryPolicies, type ModelCallOptions } from "./create-retry-policies.ts";
import { generateWithRepair } from "./generate-with-repair.ts";
import { jsonAnswerInstruction } from "./json-answer-instruction.ts";
import { loadOnce } from "./load-once.ts";
import type { ModelAnswer } from "./model-answer.ts";
import type { GenerateRequest, GenerateResult, StructuredModel } from "./structured-model.ts";

export type OpenAICompatibleModelOptions = ModelCallOptions & {
  /** Local servers (Ollama, vLLM) take none; the SDK then sends a placeholder. */
  apiKey: string | undefined;
  /** e.g. https://api.openai.com/v1, https://openrouter.ai/api/v1, http://localhost:11434/v1. */
  baseUrl: string;
  /**
   * "json_schema": strict structured outputs (OpenAI, Azure OpenAI, OpenRouter, vLLM, recent
   * Ollama); "json_object": JSON mode, for servers without them: the schema goes in the prompt.
   */
  responseFormat: "json_schema" | "json_object";
};

const failures: ProviderFailures = {
  name: "The OpenAI-compatible API",
  classify: classifyOpenAIFailure,
  advise: (status) => {
    switch (status) {
      case 401:
        return "check OPENAI_API_KEY";
      case 403:
        return "the API key lacks permission for this model";
      case 404:
        return "check the model name and OPENAI_BASE_URL (it ends in /v1 for most servers)";
      case 400:
      case 413:
      case 422:
        return "the request itself is invalid or too large (a server without structured outputs needs REVUE_OPENAI_RESPONSE_FORMAT=json_object)";
      default:
        return "the request will fail the same way again";
    }
  },
};

/** A schema name as the API accepts it: letters, digits, `_` and `-`, at most 64. */
function schemaName(task: string): string {
  return task.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64) || "answer";
}

/** A Chat Completions response as the structured model reads it. */
function toAnswer(completion: ChatCompletion): ModelAnswer {
  const choice = completion.choices[0];
  const finishReason = choice?.finish_reason ?? "none";
  const refused = Boolean(choice?.message.refusal) || finishReason === "content_filter";
  // prompt_tokens counts the cached ones too; ModelUsage keeps them apart, as Anthropic does.
  const cached = completion.usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    text: choice?.message.content ?? "",
    stop: refused ? "refusal" : finishReason === "length" ? "truncated" : "complete",
    stopReason: choice?.message.refusal
      ? `refusal: ${choice.message.refusal}`
      : `finish_reason ${finishReason}`,
    usage: {
      inputTokens: (completion.usage?.prompt_tokens ?? 0) - cached,
      outputTokens: completion.usage?.completion_tokens ?? 0,
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
    },
  };
}

/**
 * The structured model on any OpenAI-compatible Chat Completions endpoint, through the `openai`
 * SDK with a base URL: OpenAI, Azure OpenAI (its `/openai/v1` endpoint), OpenRouter, a LiteLLM
 * proxy, Ollama, vLLM. Strict `json_schema` output where the server has it, else JSON mode with the
 * schema in the prompt; every answer is checked with its zod schema and repaired once when
 * allowed. The system blocks become one system message (these servers cache prefixes on their
 * own). Each HTTP call is retried by `callWithRetries` (the SDK's retries are off).
 *
 * `generate` throws ModelRetryableError when retries run out or the caller aborts, and
 * ModelPermanentError for any other 4xx, a refusal (`refusal`, `content_filter`), or an answer
 * still invalid; `finish_reason: "length"` is a truncated answer, repaired once. Logs carry
 * statuses, waits and token counts, never the key or prompt text. Throws RangeError at
 * construction for a `timeoutMs` or `maxRetries` the SDK would only reject at request time.
 */
export function createOpenAICompatibleModel(
  options: OpenAICompatibleModelOptions,
): StructuredModel {
  const policyOf = createRetryPolicies(options);
  // The SDK is imported at the first request (see `loadOnce`).
  const client = loadOnce(async () => {
    const { default: OpenAI } = await import("openai");
    return new OpenAI({
      // The SDK refuses to start without a key; local servers ignore whatever is sent.
      apiKey: options.apiKey ?? "no-key",
      baseURL: options.baseUrl,
      timeout: options.timeoutMs,
      maxRetries: 0,
      // The SDK's own logs at debug level include request bodies, i.e. the prompt.
      logLevel: "off",
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  });
  const { model } = options;
  return {
    id: model,
    async generate<T>(
      request: GenerateRequest<T>,
      callOptions: { signal?: AbortSignal } = {},
    ): Promise<GenerateResult<T>> {
      const policy = policyOf(request.task);
      const strict = options.responseFormat === "json_schema";
      const system = [
        ...request.system.map((block) => block.text),
        // JSON mode needs the word JSON in the prompt, and the schema is the only guide it has.
        ...(strict ? [] : [jsonAnswerInstruction(request.output.json)]),
      ].join("\n\n");
      const params = (
        messages: ChatCompletionMessageParam[],
      ): ChatCompletionCreateParamsNonStreaming => ({
        model,
        max_completion_tokens: request.maxOutputTokens,
        messages: [{ role: "system", content: system }, ...messages],
        response_format: strict
          ? {
              type: "json_schema",
              json_schema: {
                name: schemaName(request.task),
                strict: true,
                schema: request.output.json,
              },
            }
          : { type: "json_object" },
      });
      return generateWithRepair(
        request,
        async (messages) => {
          const { response, requests } = await callWithRetries(
            async (signal) =>
              (await client()).chat.completions.create(params(messages), { signal }),
            failures,
            policy,
            callOptions.signal,
          );
          const answer = toAnswer(response);
          policy.log?.debug({ stopReason: answer.stopReason, ...answer.usage }, "model answered");
          return { answer, requests };
        },
        policy.log,
      );
    },
  };
}
