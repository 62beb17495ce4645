import nock from "nock";
import { describe, expect, it } from "vitest";
import type { ModelConfig } from "../../src/config/read-model-config.ts";
import { createTaskModel } from "../../src/model/create-task-model.ts";
import { ModelPermanentError, ModelRetryableError } from "../../src/model/model-errors.ts";
import {
  chatCompletion,
  messagesResponse,
  recordBodies,
  recordingSleep,
  useNockOnly,
  verdictAnswer,
  verdictRequest,
} from "../helpers/model-stand-ins.ts";

const anthropicUrl = "https://api.anthropic.test";
const primary = "claude-opus-4-6";
const fallback = "claude-sonnet-4-6";

const anthropicConfig = {
  provider: { kind: "anthropic", apiKey: "sk-ant-test-0123456789", baseUrl: anthropicUrl },
  timeoutMs: 5_000,
  maxRetries: 2,
  structuredOutputs: undefined,
  fallback,
} satisfies Pick<
  ModelConfig,
  "provider" | "timeoutMs" | "maxRetries" | "structuredOutputs" | "fallback"
>;

function anthropicError(type: string, message: string) {
  return { type: "error", error: { type, message }, request_id: "req_011CSHoEeqs5C35K2UUqR7Fy" };
}

useNockOnly();

describe("createTaskModel", () => {
  it("asks the fallback model at once when the first is overloaded (529), without retrying it", async () => {
    const { bodies, match } = recordBodies<{ model: string }>();
    nock(anthropicUrl)
      .post("/v1/messages", match)
      .reply(529, anthropicError("overloaded_error", "Overloaded"))
      .post("/v1/messages", match)
      .reply(200, messagesResponse(JSON.stringify(verdictAnswer)));
    const { waits, sleep } = recordingSleep();
    const model = createTaskModel(anthropicConfig, primary, undefined, { sleep });

    const result = await model.generate(verdictRequest);

    expect(result.value).toEqual(verdictAnswer);
    expect(bodies.map((body) => body.model)).toEqual([primary, fallback]);
    expect(waits).toEqual([]);
    expect(model.id).toBe(primary);
    // Its tokens are the fallback's, priced at the fallback's price (cost-of-run.ts).
    expect(result.answeredBy).toBe(fallback);
  });

  it("asks the fallback model when the first stays unavailable through its retries", async () => {
    const { bodies, match } = recordBodies<{ model: string }>();
    nock(anthropicUrl)
      .post("/v1/messages", match)
      .times(3)
      .reply(500, anthropicError("api_error", "Internal server error"))
      .post("/v1/messages", match)
      .reply(200, messagesResponse(JSON.stringify(verdictAnswer)));
    const { waits, sleep } = recordingSleep();
    const model = createTaskModel(anthropicConfig, primary, undefined, {
      sleep,
      random: () => 0,
    });

    await model.generate(verdictRequest);

    expect(bodies.map((body) => body.model)).toEqual([primary, primary, primary, fallback]);
    expect(waits).toHaveLength(2);
  });

  it("does not ask the fallback when the request itself is refused", async () => {
    nock(anthropicUrl)
      .post("/v1/messages")
      .reply(
        400,
        anthropicError(
          "invalid_request_error",
          "prompt is too long: 250000 tokens > 200000 maximum",
        ),
      );
    const model = createTaskModel(anthropicConfig, primary, undefined);

    const error: unknown = await model.generate(verdictRequest).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
  });

  it("throws the fallback's error when both are overloaded", async () => {
    nock(anthropicUrl)
      .post("/v1/messages")
      .reply(529, anthropicError("overloaded_error", "Overloaded"))
      .post("/v1/messages")
      .times(3)
      .reply(529, anthropicError("overloaded_error", "Overloaded"), { "retry-after": "1" });
    const { sleep } = recordingSleep();
    const model = createTaskModel(anthropicConfig, primary, undefined, { sleep });

    const error: unknown = await model.generate(verdictRequest).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelRetryableError);
    expect((error as ModelRetryableError).retryAfterMs).toBe(1000);
  });

  it("falls back on an OpenAI-compatible endpoint's 503 too", async () => {
    const { bodies, match } = recordBodies<{ model: string }>();
    nock("https://openrouter.test")
      .post("/api/v1/chat/completions", match)
      .reply(503, { error: { message: "No available providers", code: 503 } })
      .post("/api/v1/chat/completions", match)
      .reply(200, chatCompletion(JSON.stringify(verdictAnswer)));
    const model = createTaskModel(
      {
        provider: {
          kind: "openai",
          apiKey: "sk-or-test",
          baseUrl: "https://openrouter.test/api/v1",
          responseFormat: "json_schema",
        },
        timeoutMs: 5_000,
        maxRetries: 2,
        structuredOutputs: undefined,
        fallback: "anthropic/claude-sonnet-4.6",
      },
      "openai/gpt-5.1",
      undefined,
      { sleep: recordingSleep().sleep },
    );

    await model.generate(verdictRequest);

    expect(bodies.map((body) => body.model)).toEqual([
      "openai/gpt-5.1",
      "anthropic/claude-sonnet-4.6",
    ]);
  });
});
