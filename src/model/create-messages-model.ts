import type Anthropic from "@anthropic-ai/sdk";
import type {
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import { callWithRetries, type ProviderFailures } from "./call-with-retries.ts";
import { createRetryPolicies, type ModelCallOptions } from "./create-retry-policies.ts";
import { generateWithRepair } from "./generate-with-repair.ts";
import { jsonAnswerInstruction } from "./json-answer-instruction.ts";
import type { ModelAnswer } from "./model-answer.ts";
import type {
  GenerateRequest,
  GenerateResult,
  StructuredModel,
  SystemBlock,
} from "./structured-model.ts";

/** The part of a Messages API client used here: Anthropic's, Bedrock's or Vertex's. */
export type MessagesClient = { messages: Pick<Anthropic["messages"], "create"> };

export type MessagesModelOptions = ModelCallOptions & {
  /**
   * The client, made at the first request (see `loadOnce`): an error in making it fails that
   * request as any error that is not the SDK's, permanently.
   */
  client: () => Promise<MessagesClient>;
  failures: ProviderFailures;
  /**
   * true: the schema goes in `output_config` (constrained decoding); false, where the service or
   * model lacks structured outputs: the schema is asked for in the system prompt instead.
   */
  structuredOutputs: boolean;
};

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

/** A Messages API response as the structured model reads it. */
function toAnswer(message: Message): ModelAnswer {
  const stopReason = message.stop_reason ?? "none";
  return {
    text: message.content.map((block) => (block.type === "text" ? block.text : "")).join(""),
    stop:
      stopReason === "refusal"
        ? "refusal"
        : stopReason === "model_context_window_exceeded"
          ? "context-window"
          : stopReason === "max_tokens"
            ? "truncated"
            : "complete",
    stopReason: `stop_reason ${stopReason}`,
    usage: {
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
      cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
      cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
    },
  };
}

/**
 * The structured model on the Messages API, whoever serves it (Anthropic, Bedrock, Vertex: the
 * client decides the endpoint and signs the request). Structured outputs where the service has
 * them, else the schema in the system prompt; every answer checked with its zod schema, one
 * repair when allowed, prompt caching where the system blocks ask for it. Each HTTP call is
 * retried by `callWithRetries` (the client's own retries must be off).
 *
 * `generate` throws ModelRetryableError when retries run out or the caller aborts, and
 * ModelPermanentError for any other 4xx, a refusal, or an answer still invalid. Logs carry status
 * codes, waits and token counts, never credentials or prompt text. Throws RangeError at
 * construction for a `timeoutMs` or `maxRetries` the SDK would only reject at request time.
 */
export function createMessagesModel(options: MessagesModelOptions): StructuredModel {
  const policyOf = createRetryPolicies(options);
  const { client, model, failures } = options;
  return {
    id: model,
    async generate<T>(
      request: GenerateRequest<T>,
      callOptions: { signal?: AbortSignal } = {},
    ): Promise<GenerateResult<T>> {
      const policy = policyOf(request.task);
      const system = options.structuredOutputs
        ? request.system
        : [...request.system, { text: jsonAnswerInstruction(request.output.json) }];
      const params = (messages: MessageParam[]): MessageCreateParamsNonStreaming => ({
        model,
        max_tokens: request.maxOutputTokens,
        system: systemParam(system),
        messages,
        ...(options.structuredOutputs
          ? { output_config: { format: { type: "json_schema", schema: request.output.json } } }
          : {}),
      });
      return generateWithRepair(
        request,
        async (messages) => {
          const { response, requests } = await callWithRetries(
            async (signal) => (await client()).messages.create(params(messages), { signal }),
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
