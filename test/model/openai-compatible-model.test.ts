import nock from "nock";
import { describe, expect, it } from "vitest";
import { ModelPermanentError } from "../../src/model/model-errors.ts";
import { createOpenAICompatibleModel } from "../../src/model/openai-compatible-model.ts";
import {
  chatCompletion,
  recordBodies,
  recordingSleep,
  useNockOnly,
  verdictAnswer,
  verdictJsonSchema,
  verdictRequest,
} from "../helpers/model-stand-ins.ts";

const baseUrl = "https://api.openai.test/v1";
const apiKey = "sk-proj-test-0123456789";
const modelId = "gpt-5.1";

function createModel(overrides: Partial<Parameters<typeof createOpenAICompatibleModel>[0]> = {}) {
  const { waits, sleep } = recordingSleep();
  const model = createOpenAICompatibleModel({
    apiKey,
    baseUrl,
    responseFormat: "json_schema",
    model: modelId,
    timeoutMs: 5_000,
    maxRetries: 2,
    sleep,
    random: () => 0,
    ...overrides,
  });
  return { model, waits };
}

/** OpenAI's error body; LiteLLM, OpenRouter and vLLM answer in the same shape. */
function openAIError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

type ChatBody = {
  model: string;
  max_completion_tokens: number;
  messages: Array<{ role: string; content: string }>;
  response_format: unknown;
};

function api() {
  return nock("https://api.openai.test");
}

useNockOnly();

describe("createOpenAICompatibleModel", () => {
  it("sends strict json_schema output and maps usage, keeping cached prompt tokens apart", async () => {
    const { bodies, match } = recordBodies<ChatBody>();
    api()
      .post("/v1/chat/completions", match)
      .matchHeader("authorization", `Bearer ${apiKey}`)
      .reply(
        200,
        chatCompletion(JSON.stringify(verdictAnswer), {
          usage: { prompt_tokens: 1500, completion_tokens: 300, cached_tokens: 1024 },
        }),
      );
    const { model } = createModel();

    const result = await model.generate(verdictRequest);

    expect(result).toEqual({
      value: verdictAnswer,
      usage: { inputTokens: 476, outputTokens: 300, cacheReadTokens: 1024, cacheWriteTokens: 0 },
      calls: 1,
    });
    expect(bodies[0]).toEqual({
      model: modelId,
      max_completion_tokens: 4096,
      messages: [
        {
          role: "system",
          content: verdictRequest.system.map((block) => block.text).join("\n\n"),
        },
        { role: "user", content: verdictRequest.messages[0]!.content },
      ],
      response_format: {
        type: "json_schema",
        json_schema: { name: "verdict", strict: true, schema: verdictJsonSchema },
      },
    });
  });

  it("uses JSON mode with the schema in the system message where json_schema is not served", async () => {
    const { bodies, match } = recordBodies<ChatBody>();
    api()
      .post("/v1/chat/completions", match)
      .reply(200, chatCompletion(JSON.stringify(verdictAnswer)));
    const { model } = createModel({ responseFormat: "json_object", apiKey: undefined });

    await model.generate(verdictRequest);

    expect(bodies[0]!.response_format).toEqual({ type: "json_object" });
    expect(bodies[0]!.messages[0]!.content).toContain(JSON.stringify(verdictJsonSchema));
  });

  it("repairs an answer cut off at finish_reason length, asking for a shorter one", async () => {
    const { bodies, match } = recordBodies<ChatBody>();
    api()
      .post("/v1/chat/completions", match)
      .reply(
        200,
        chatCompletion('{"verdict":"reject","reasons":[{"line":1,', { finishReason: "length" }),
      )
      .post("/v1/chat/completions", match)
      .reply(200, chatCompletion(JSON.stringify(verdictAnswer)));
    const { model } = createModel();

    const result = await model.generate(verdictRequest);

    expect(result.value).toEqual(verdictAnswer);
    expect(result.calls).toBe(2);
    expect(bodies[1]!.messages[2]).toEqual({
      role: "assistant",
      content: '{"verdict":"reject","reasons":[{"line":1,',
    });
    expect(bodies[1]!.messages[3]!.content).toContain("cut off at the output token limit");
    expect(bodies[1]!.messages[3]!.content).toContain("shorter");
  });

  it("does not repair a refusal", async () => {
    api()
      .post("/v1/chat/completions")
      .reply(200, chatCompletion(null, { refusal: "I can't help with that." }));
    const { model } = createModel();

    const error: unknown = await model.generate(verdictRequest).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as ModelPermanentError).kind).toBe("refused");
  });

  it("waits what retry-after-ms says after a 429 rate limit, then succeeds", async () => {
    api()
      .post("/v1/chat/completions")
      .reply(
        429,
        openAIError(
          "Rate limit reached for gpt-5.1 on tokens per min (TPM).",
          "tokens",
          "rate_limit_exceeded",
        ),
        { "retry-after-ms": "1500", "retry-after": "2" },
      )
      .post("/v1/chat/completions")
      .reply(200, chatCompletion(JSON.stringify(verdictAnswer)));
    const { model, waits } = createModel();

    const result = await model.generate(verdictRequest);

    expect(waits).toEqual([1500]);
    expect(result.calls).toBe(2);
  });

  it("does not retry a 429 for a spent quota", async () => {
    api()
      .post("/v1/chat/completions")
      .reply(
        429,
        openAIError(
          "You exceeded your current quota, please check your plan and billing details.",
          "insufficient_quota",
          "insufficient_quota",
        ),
      );
    const { model, waits } = createModel();

    const error: unknown = await model.generate(verdictRequest).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as Error).message).toContain("429 insufficient_quota");
    expect(waits).toEqual([]);
  });

  it("does not retry a 401, and says which variable to check", async () => {
    api()
      .post("/v1/chat/completions")
      .reply(
        401,
        openAIError(
          "Incorrect API key provided: sk-proj-****6789.",
          "invalid_request_error",
          "invalid_api_key",
        ),
      );
    const { model } = createModel();

    const error: unknown = await model.generate(verdictRequest).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as Error).message).toContain("refused the verdict request (401 invalid_api_key");
    expect((error as Error).message).toContain("check OPENAI_API_KEY");
  });

  it("retries a 503 with backoff and then succeeds", async () => {
    api()
      .post("/v1/chat/completions")
      .reply(503, openAIError("The server is overloaded or not ready yet.", "server_error", null))
      .post("/v1/chat/completions")
      .reply(200, chatCompletion(JSON.stringify(verdictAnswer)));
    const { model, waits } = createModel();

    await model.generate(verdictRequest);

    expect(waits).toHaveLength(1);
  });
});
