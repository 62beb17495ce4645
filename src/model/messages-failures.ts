import type { ProviderFailures } from "./call-with-retries.ts";
import { classifyFailure } from "./classify-failure.ts";

/** Where Claude is served: what the messages call it and what its credentials are. */
const providers = {
  anthropic: {
    name: "The Anthropic API",
    credentials: "the Anthropic API key (ANTHROPIC_API_KEY)",
  },
  bedrock: {
    name: "Amazon Bedrock",
    credentials: "the AWS credentials and region (AWS_REGION), and the model's access in Bedrock",
  },
  vertex: {
    name: "Google Vertex AI",
    credentials: "the Google credentials, ANTHROPIC_VERTEX_PROJECT_ID and CLOUD_ML_REGION",
  },
} as const;

/**
 * How failures of the Messages API read for one of the three services that speak it (Anthropic,
 * Bedrock, Vertex): their SDKs share the Anthropic SDK's errors, so one classification serves all
 * three, and the advice names the service's own credentials.
 */
export function messagesFailures(provider: keyof typeof providers): ProviderFailures {
  const { name, credentials } = providers[provider];
  return {
    name,
    classify: classifyFailure,
    advise: (status) => {
      switch (status) {
        case 401:
          return `check ${credentials}`;
        case 403:
          return "the credentials lack permission for this model or feature";
        case 404:
          return "check the model name";
        case 400:
        case 413:
          return "the request itself is invalid or too large";
        default:
          return "the request will fail the same way again";
      }
    },
  };
}
