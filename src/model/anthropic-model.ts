import { createMessagesModel } from "./create-messages-model.ts";
import type { ModelCallOptions } from "./create-retry-policies.ts";
import { loadOnce } from "./load-once.ts";
import { messagesFailures } from "./messages-failures.ts";
import type { StructuredModel } from "./structured-model.ts";

export type AnthropicModelOptions = ModelCallOptions & {
  apiKey: string;
  /** Defaults to https://api.anthropic.com; the ANTHROPIC_BASE_URL variable is never read. */
  baseUrl?: string;
};

const defaultBaseUrl = "https://api.anthropic.com";

/**
 * The structured model on the Anthropic Messages API, with structured outputs (`output_config`).
 * See `createMessagesModel` for what `generate` does and throws. Throws RangeError at
 * construction for a `timeoutMs` or `maxRetries` the SDK would only reject at request time.
 */
export function createAnthropicModel(options: AnthropicModelOptions): StructuredModel {
  const client = loadOnce(async () => {
    const { default: Anthropic } = await import("@anthropic-ai/sdk");
    return new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseUrl ?? defaultBaseUrl,
      timeout: options.timeoutMs,
      maxRetries: 0,
      // The SDK's own logs at debug level include request bodies, i.e. the prompt.
      logLevel: "off",
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  });
  return createMessagesModel({
    ...options,
    client,
    failures: messagesFailures("anthropic"),
    structuredOutputs: true,
  });
}
