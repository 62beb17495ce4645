import type { ClientOptions } from "@anthropic-ai/vertex-sdk";
import { createMessagesModel } from "./create-messages-model.ts";
import type { ModelCallOptions } from "./create-retry-policies.ts";
import { loadOnce } from "./load-once.ts";
import { messagesFailures } from "./messages-failures.ts";
import type { StructuredModel } from "./structured-model.ts";

export type VertexModelOptions = ModelCallOptions & {
  /** The Google Cloud project (ANTHROPIC_VERTEX_PROJECT_ID). */
  projectId: string;
  /** e.g. "us-east5", or "global" (CLOUD_ML_REGION). */
  region: string;
  /**
   * Google credentials already resolved (a test's stand-in, a workload identity client); without
   * one, Application Default Credentials are used (GOOGLE_APPLICATION_CREDENTIALS, the metadata
   * server), which is what a deployment should use.
   */
  authClient?: ClientOptions["authClient"];
  /** Overrides `https://{region}-aiplatform.googleapis.com/v1` (a test stand-in, a proxy). */
  baseUrl?: string;
  /**
   * Vertex has structured outputs only for some models and only once the organisation policy
   * allows them, so the default is false: the schema is asked for in the prompt and checked.
   */
  structuredOutputs?: boolean;
};

/**
 * The structured model on Claude in Google Vertex AI: the Messages API through Vertex's
 * `rawPredict` (`POST /projects/{p}/locations/{r}/publishers/anthropic/models/{model}:rawPredict`).
 * `model` is a Vertex model id, e.g. "claude-sonnet-4-5@20250929". See `createMessagesModel` for
 * what `generate` does and throws.
 */
export function createVertexModel(options: VertexModelOptions): StructuredModel {
  // Built at the first call: the SDK starts resolving Google credentials when constructed, and a
  // failure with nobody awaiting it yet would be an unhandled rejection at start.
  const client = loadOnce(async () => {
    const { AnthropicVertex } = await import("@anthropic-ai/vertex-sdk");
    return new AnthropicVertex({
      projectId: options.projectId,
      region: options.region,
      ...(options.authClient ? { authClient: options.authClient } : {}),
      ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
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
    failures: messagesFailures("vertex"),
    structuredOutputs: options.structuredOutputs ?? false,
  });
}
