import type { Logger } from "pino";
import type { ModelConfig } from "../config/read-model-config.ts";
import { createFallbackModel } from "./create-fallback-model.ts";
import { createProviderModel } from "./create-provider-model.ts";
import type { ModelCallOptions } from "./create-retry-policies.ts";
import type { StructuredModel } from "./structured-model.ts";

/**
 * The model for `model` (a task's, or one a repository chose among the allowed ones), behind the
 * configured fallback when there is one and it is another model: the first then gives up at the
 * first 529/503 instead of retrying, and the fallback answers. Builds clients only; nothing is
 * sent until `generate`.
 */
export function createTaskModel(
  config: Pick<
    ModelConfig,
    "provider" | "timeoutMs" | "maxRetries" | "structuredOutputs" | "fallback"
  >,
  model: string,
  log: Logger | undefined,
  extra: Partial<ModelCallOptions> = {},
): StructuredModel {
  const { fallback } = config;
  if (!fallback || fallback === model) return createProviderModel(config, model, log, extra);
  return createFallbackModel(
    createProviderModel(config, model, log, { ...extra, giveUpWhenOverloaded: true }),
    createProviderModel(config, fallback, log, extra),
    log,
  );
}
