import { createMessagesModel } from "./create-messages-model.ts";
import type { ModelCallOptions } from "./create-retry-policies.ts";
import { loadOnce } from "./load-once.ts";
import { messagesFailures } from "./messages-failures.ts";
import type { StructuredModel } from "./structured-model.ts";

export type BedrockModelOptions = ModelCallOptions & {
  /** e.g. "us-east-1" (AWS_REGION). */
  region: string;
  /**
   * Static credentials; without them the AWS SDK's default chain finds them (environment, shared
   * files, the Lambda or ECS role), which is what a deployment on AWS should use.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Overrides `https://bedrock-runtime.{region}.amazonaws.com` (a VPC endpoint, a test stand-in). */
  baseUrl?: string;
  /** Claude on Bedrock has structured outputs (`output_config`); false asks for JSON in the prompt. */
  structuredOutputs?: boolean;
};

/**
 * The structured model on Claude in Amazon Bedrock: the Messages API through Bedrock's
 * `InvokeModel` (`POST /model/{model}/invoke`, signed with SigV4 by the Bedrock SDK). `model` is a
 * Bedrock model or inference profile id, e.g. "us.anthropic.claude-sonnet-4-5-20250929-v1:0".
 * See `createMessagesModel` for what `generate` does and throws.
 */
export function createBedrockModel(options: BedrockModelOptions): StructuredModel {
  const { credentials } = options;
  const common = {
    awsRegion: options.region,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    timeout: options.timeoutMs,
    maxRetries: 0,
    // The SDK's own logs at debug level include request bodies, i.e. the prompt.
    logLevel: "off" as const,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const client = loadOnce(async () => {
    const { AnthropicBedrock } = await import("@anthropic-ai/bedrock-sdk");
    return credentials
      ? new AnthropicBedrock({
          ...common,
          awsAccessKey: credentials.accessKeyId,
          awsSecretKey: credentials.secretAccessKey,
          awsSessionToken: credentials.sessionToken ?? null,
        })
      : new AnthropicBedrock(common);
  });
  return createMessagesModel({
    ...options,
    client,
    failures: messagesFailures("bedrock"),
    structuredOutputs: options.structuredOutputs ?? true,
  });
}
