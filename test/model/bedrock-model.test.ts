import nock from "nock";
import { describe, expect, it } from "vitest";
import { createBedrockModel } from "../../src/model/bedrock-model.ts";
import { ModelPermanentError, ModelRetryableError } from "../../src/model/model-errors.ts";
import {
  messagesResponse,
  recordBodies,
  recordingSleep,
  useNockOnly,
  verdictAnswer,
  verdictJsonSchema,
  verdictRequest,
} from "../helpers/model-stand-ins.ts";

const region = "us-east-1";
const endpoint = `https://bedrock-runtime.${region}.amazonaws.com`;
const modelId = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
/** Bedrock puts the model id in the path (its ":" is a legal path character, sent as is). */
const invokePath = `/model/${modelId}/invoke`;
/** AWS's documented example credentials: the request is signed, never sent anywhere real. */
const credentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

function createModel(overrides: Partial<Parameters<typeof createBedrockModel>[0]> = {}) {
  const { waits, sleep } = recordingSleep();
  const model = createBedrockModel({
    region,
    credentials,
    model: modelId,
    timeoutMs: 5_000,
    maxRetries: 2,
    sleep,
    random: () => 0,
    ...overrides,
  });
  return { model, waits };
}

/** Bedrock's error shape: `{"message": ...}` and the exception's name in `x-amzn-errortype`. */
function bedrockError(type: string, message: string) {
  return [
    { message },
    { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
  ] as const;
}

useNockOnly();

describe("createBedrockModel", () => {
  it("invokes the model with a SigV4-signed Messages body and structured outputs, mapping usage", async () => {
    const { bodies, match } = recordBodies();
    nock(endpoint)
      .post(invokePath, match)
      .matchHeader(
        "authorization",
        new RegExp(
          `^AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/\\d{8}/${region}/bedrock/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`,
        ),
      )
      .matchHeader("x-amz-date", /^\d{8}T\d{6}Z$/)
      .reply(
        200,
        messagesResponse(JSON.stringify(verdictAnswer), {
          usage: {
            input_tokens: 900,
            output_tokens: 120,
            cache_creation_input_tokens: 2000,
            cache_read_input_tokens: 0,
          },
        }),
      );
    const { model } = createModel();

    const result = await model.generate(verdictRequest);

    expect(result).toEqual({
      value: verdictAnswer,
      usage: { inputTokens: 900, outputTokens: 120, cacheReadTokens: 0, cacheWriteTokens: 2000 },
      calls: 1,
    });
    const body = bodies[0]!;
    // The model travels in the path; the API version moves from the header into the body.
    expect(body).not.toHaveProperty("model");
    expect(body.anthropic_version).toMatch(/^(bedrock-)?\d{4}-\d{2}-\d{2}$/);
    expect(body.output_config).toEqual({
      format: { type: "json_schema", schema: verdictJsonSchema },
    });
    expect(body.max_tokens).toBe(4096);
  });

  it("asks for JSON in the prompt when structured outputs are off, and repairs a non-JSON answer", async () => {
    const { bodies, match } = recordBodies<{
      system: Array<{ text: string }>;
      messages: Array<{ role: string; content: string }>;
    }>();
    nock(endpoint)
      .post(invokePath, match)
      .reply(200, messagesResponse("Here is my verdict: reject."))
      .post(invokePath, match)
      .reply(200, messagesResponse(JSON.stringify(verdictAnswer)));
    const { model } = createModel({ structuredOutputs: false });

    const result = await model.generate(verdictRequest);

    expect(result.value).toEqual(verdictAnswer);
    expect(result.calls).toBe(2);
    expect(bodies[0]).not.toHaveProperty("output_config");
    const lastSystem = bodies[0]!.system.at(-1)!.text;
    expect(lastSystem).toContain(JSON.stringify(verdictJsonSchema));
    expect(bodies[1]!.messages[2]!.content).toContain("not valid JSON");
  });

  it("waits what retry-after says after a throttled request, then succeeds", async () => {
    const [body, headers] = bedrockError(
      "ThrottlingException",
      "Too many requests, please wait before trying again.",
    );
    nock(endpoint)
      .post(invokePath)
      .reply(429, body, { ...headers, "retry-after": "4" })
      .post(invokePath)
      .reply(200, messagesResponse(JSON.stringify(verdictAnswer)));
    const { model, waits } = createModel();

    const result = await model.generate(verdictRequest);

    expect(waits).toEqual([4000]);
    expect(result.calls).toBe(2);
  });

  it("does not retry a request Bedrock refuses, and says what to check", async () => {
    const [body, headers] = bedrockError(
      "AccessDeniedException",
      "You don't have access to the model with the specified model ID.",
    );
    nock(endpoint).post(invokePath).reply(403, body, headers);
    const { model, waits } = createModel();

    const error: unknown = await model.generate(verdictRequest).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as Error).message).toContain("Amazon Bedrock refused the verdict request (403");
    expect(waits).toEqual([]);
  });

  it("hands a 503 to the caller at once when a fallback waits, instead of retrying", async () => {
    const [body, headers] = bedrockError("ServiceUnavailableException", "Service unavailable");
    nock(endpoint).post(invokePath).reply(503, body, headers);
    const { model, waits } = createModel({ giveUpWhenOverloaded: true });

    const error: unknown = await model.generate(verdictRequest).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelRetryableError);
    expect((error as ModelRetryableError).status).toBe(503);
    expect(waits).toEqual([]);
  });
});
