import type { Logger } from "pino";
import type { ModelConfig } from "../config/read-model-config.ts";
import { createAnthropicModel } from "./anthropic-model.ts";
import { createBedrockModel } from "./bedrock-model.ts";
import type { ModelCallOptions } from "./create-retry-policies.ts";
import { createOpenAICompatibleModel } from "./openai-compatible-model.ts";
import type { StructuredModel } from "./structured-model.ts";
import { createVertexModel } from "./vertex-model.ts";

/**
 * One model on the configured provider, by name: the provider's endpoint and credentials are the
 * operator's, so whoever names the model (a task, a repository's choice) never chooses where the
 * request goes. `extra` carries what tests inject (fetch, sleep) and `giveUpWhenOverloaded`.
 * Throws ConfigError-free: the configuration was validated at start; an Anthropic provider
 * without a key is the caller's to rule out (`config.configured`).
 */
export function createProviderModel(
  config: Pick<ModelConfig, "provider" | "timeoutMs" | "maxRetries" | "structuredOutputs">,
  model: string,
  log: Logger | undefined,
  extra: Partial<ModelCallOptions> = {},
): StructuredModel {
  const common: ModelCallOptions = {
    model,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    ...(log ? { log } : {}),
    ...extra,
  };
  const { provider } = config;
  const structured =
    config.structuredOutputs === undefined ? {} : { structuredOutputs: config.structuredOutputs };
  switch (provider.kind) {
    case "anthropic":
      return createAnthropicModel({
        ...common,
        apiKey: provider.apiKey ?? "",
        ...(provider.baseUrl ? { baseUrl: provider.baseUrl } : {}),
      });
    case "bedrock":
      return createBedrockModel({
        ...common,
        ...structured,
        region: provider.region,
        ...(provider.baseUrl ? { baseUrl: provider.baseUrl } : {}),
      });
    case "vertex":
      return createVertexModel({
        ...common,
        ...structured,
        projectId: provider.projectId,
        region: provider.region,
        ...(provider.baseUrl ? { baseUrl: provider.baseUrl } : {}),
      });
    case "openai":
      return createOpenAICompatibleModel({
        ...common,
        apiKey: provider.apiKey,
        baseUrl: provider.baseUrl,
        responseFormat: provider.responseFormat,
      });
  }
}
