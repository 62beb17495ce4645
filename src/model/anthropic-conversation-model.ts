import { setTimeout as delay } from "node:timers/promises";
import Anthropic from "@anthropic-ai/sdk";
import type {
  Message,
  MessageCreateParamsNonStreaming,
} from "@anthropic-ai/sdk/resources/messages";
import type { Logger } from "pino";
import {
  backoffMs,
  classifyFailure,
  raceAbort,
  waitUnlessAborted,
  type Failure,
} from "./anthropic-review-model.ts";
import { ModelPermanentError, ModelRetryableError } from "./review-model.ts";
import {
  replyAnalysisJsonSchema,
  replyAnalysisSchema,
  type ReplyAnalysis,
} from "../memory/reply-analysis.ts";

/** The small structured call that reads a reply in one of Revue's threads. */
export interface ConversationModel {
  readonly id: string;
  /**
   * Classifies the reply and, for a learning or a question, writes the memory or the answer.
   * Throws ModelRetryableError (retries used up) or ModelPermanentError (refused, invalid answer).
   */
  analyzeReply(
    request: { system: string; prompt: string },
    options?: { signal?: AbortSignal },
  ): Promise<ReplyAnalysis>;
}

export type AnthropicConversationModelOptions = {
  apiKey: string;
  baseUrl?: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  log?: Logger;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
};

const MAX_OUTPUT_TOKENS = 1500;

/**
 * The conversation model on the Anthropic Messages API, with the review model's retry rules
 * (408, 429, 5xx and timeouts, honouring `retry-after`, exponential backoff otherwise; the SDK's
 * own retries off). One call per reply; an answer that does not match the schema is a
 * ModelPermanentError (the job gives up on that reply rather than guessing). Never logs prompts.
 */
export function createAnthropicConversationModel(
  options: AnthropicConversationModelOptions,
): ConversationModel {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? "https://api.anthropic.com",
    timeout: options.timeoutMs,
    maxRetries: 0,
    logLevel: "off",
  });
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const log = options.log?.child({ model: options.model, call: "conversation" });

  async function createWithRetries(
    params: MessageCreateParamsNonStreaming,
    signal: AbortSignal | undefined,
  ): Promise<Message> {
    for (let attempt = 0; ; attempt += 1) {
      if (signal?.aborted) throw new ModelRetryableError("aborted", { cause: signal.reason });
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const attemptSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
      try {
        return await raceAbort(
          client.messages.create(params, { signal: attemptSignal }),
          attemptSignal,
        );
      } catch (error) {
        if (signal?.aborted) throw new ModelRetryableError("aborted", { cause: signal.reason });
        const failure: Failure = deadline.aborted
          ? { kind: "retryable", status: undefined, reason: "timed out", retryAfterMs: undefined }
          : classifyFailure(error, now());
        if (failure.kind === "aborted") throw new ModelRetryableError("aborted", { cause: error });
        if (failure.kind === "permanent") {
          throw new ModelPermanentError(
            `The Anthropic API refused the conversation request (${failure.reason})`,
            { cause: error, status: failure.status },
          );
        }
        if (attempt >= options.maxRetries) {
          throw new ModelRetryableError(
            `The Anthropic API failed ${attempt + 1} time(s) (last: ${failure.reason})`,
            { cause: error, status: failure.status, retryAfterMs: failure.retryAfterMs },
          );
        }
        const waitMs = failure.retryAfterMs ?? backoffMs(attempt, random);
        log?.warn({ status: failure.status, attempt: attempt + 1, waitMs }, "retrying");
        await waitUnlessAborted(sleep, waitMs, signal);
      }
    }
  }

  return {
    id: options.model,
    async analyzeReply(request, callOptions = {}) {
      const message = await createWithRetries(
        {
          model: options.model,
          max_tokens: MAX_OUTPUT_TOKENS,
          system: request.system,
          messages: [{ role: "user", content: request.prompt }],
          output_config: { format: { type: "json_schema", schema: replyAnalysisJsonSchema } },
        },
        callOptions.signal,
      );
      if (message.stop_reason === "refusal") {
        throw new ModelPermanentError("The model refused to read this reply");
      }
      const text = message.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      let parsed: unknown;
      try {
        parsed = JSON.parse(text.replace(/^\s*```(?:json)?\s*\n|\n\s*```\s*$/g, ""));
      } catch (error) {
        throw new ModelPermanentError("The model's answer about a reply is not JSON", {
          cause: error,
        });
      }
      const result = replyAnalysisSchema.safeParse(parsed);
      if (!result.success) {
        throw new ModelPermanentError(
          `The model's answer about a reply does not match the schema: ${result.error.issues
            .map((i) => `${i.path.join(".")}: ${i.message}`)
            .join("; ")}`,
        );
      }
      log?.debug(
        { intent: result.data.intent, inputTokens: message.usage.input_tokens },
        "reply analysed",
      );
      return result.data;
    },
  };
}
