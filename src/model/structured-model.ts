import type { z } from "zod";

/** Tokens billed for one `generate`, summed over every HTTP call it made. */
export type ModelUsage = {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
};

/** A JSON Schema object, as sent to the provider to constrain decoding. */
export type JsonSchema = { [key: string]: unknown };

/**
 * One block of the system prompt. `cacheBreakpoint` ends a cached prefix: a provider that caches
 * prompts may reuse everything up to and including this block on the next call.
 */
export type SystemBlock = { text: string; cacheBreakpoint?: boolean };

export type ModelMessage = { role: "user" | "assistant"; content: string };

export type GenerateRequest<T> = {
  /** What the call is for, as errors and logs name it: "review" reads "refused the review request". */
  task: string;
  system: SystemBlock[];
  messages: ModelMessage[];
  /**
   * The answer's shape twice: `json` is sent to the provider (every property required, no extra
   * properties, no numeric or length bounds), `parse` is the authority the answer is checked with.
   */
  output: { json: JsonSchema; parse: z.ZodType<T> };
  maxOutputTokens: number;
  /**
   * "once": an answer that is cut off, not JSON or off-schema is sent back with its problems for one
   * more call; "never": such an answer is a ModelPermanentError at once.
   */
  repair: "once" | "never";
};

export type GenerateResult<T> = {
  /** Validated by `output.parse`. */
  value: T;
  usage: ModelUsage;
  /** HTTP requests sent, including retried failures and the repair call. */
  calls: number;
  /** The model that answered, when it is not the one asked (a fallback): its price applies. */
  answeredBy?: string;
};

/**
 * A model that answers with structured output, whatever the provider (Anthropic today; Bedrock,
 * Vertex or an OpenAI-compatible API could implement the same type).
 *
 * `generate` resolves with a schema-valid value or rejects with `ModelRetryableError` (try again
 * later: overloaded, rate limited, failing, too slow, or aborted by `signal`) or
 * `ModelPermanentError` (a refused request, a refusal, an answer still invalid). It has no side
 * effects besides the HTTP calls, so it is safe to call again after either error.
 */
export interface StructuredModel {
  /** The model name, e.g. "claude-sonnet-5-5", for records and logs. */
  readonly id: string;
  generate<T>(
    request: GenerateRequest<T>,
    options?: { signal?: AbortSignal },
  ): Promise<GenerateResult<T>>;
}
