import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAnthropicModel } from "../../src/model/anthropic-model.ts";
import { ModelPermanentError } from "../../src/model/model-errors.ts";
import { createReviewModel, type ReviewRequest } from "../../src/review/review-model.ts";
import { modelReviewJsonSchema, type ModelReview } from "../../src/review/review-output.ts";

const baseUrl = "https://api.anthropic.test";
const apiKey = "sk-ant-test-0123456789";
const model = "claude-sonnet-5-5";

const request: ReviewRequest = {
  system: "You review pull requests like a careful senior engineer.",
  stableContext: "Repository instructions: prefer early returns.",
  prompt: "diff --git a/src/add.ts b/src/add.ts\n+export const add = (a, b) => a - b;",
  maxOutputTokens: 4096,
};

const review: ModelReview = {
  summary: {
    walkthrough: "Adds an `add` helper.",
    files: [{ path: "src/add.ts", summary: "New `add` function." }],
    risk: "medium",
    riskReason: "The helper subtracts instead of adding.",
  },
  findings: [
    {
      path: "src/add.ts",
      side: "RIGHT",
      line: 1,
      startLine: null,
      severity: "critical",
      category: "bug",
      confidence: "high",
      title: "`add` subtracts",
      explanation: "`a - b` returns the difference; callers expect the sum.",
      quotedCode: "export const add = (a, b) => a - b;",
      replacement: "export const add = (a, b) => a + b;",
    },
  ],
};

/** A Messages API response, shaped as the API sends it. */
function messageResponse(text: string, stopReason = "end_turn") {
  return {
    id: "msg_01XFDUDYJgAACzvnptvVoYEL",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text }],
    stop_reason: stopReason,
    stop_sequence: null,
    usage: {
      input_tokens: 1200,
      output_tokens: 350,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 2048,
      service_tier: "standard",
    },
  };
}

type SentBody = {
  system: unknown;
  messages: Array<{ role: string; content: string }>;
  [key: string]: unknown;
};

/** Every request body the fake API received, in order. */
function recordBodies(): { bodies: SentBody[]; match: (body: SentBody) => boolean } {
  const bodies: SentBody[] = [];
  return {
    bodies,
    match: (body) => {
      bodies.push(body);
      return true;
    },
  };
}

function createModel() {
  return createReviewModel(
    createAnthropicModel({
      apiKey,
      baseUrl,
      model,
      timeoutMs: 5_000,
      maxRetries: 2,
      sleep: async () => {},
      random: () => 0,
    }),
  );
}

function api() {
  return nock(baseUrl);
}

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

afterAll(() => {
  nock.enableNetConnect();
});

describe("createReviewModel", () => {
  it("sends the stable prefix as cached system blocks with structured outputs and returns the review", async () => {
    const { bodies, match } = recordBodies();
    api()
      .post("/v1/messages", match)
      .reply(200, messageResponse(JSON.stringify(review)));
    const reviewModel = createModel();

    const result = await reviewModel.review(request);

    expect(result).toEqual({
      review,
      usage: { inputTokens: 1200, outputTokens: 350, cacheReadTokens: 2048, cacheWriteTokens: 0 },
      calls: 1,
      // No fallback answered: the model asked for, whose price applies.
      answeredBy: model,
    });
    expect(reviewModel.id).toBe(model);
    expect(bodies).toHaveLength(1);
    const body = bodies[0]!;
    expect(body).toEqual({
      model,
      max_tokens: 4096,
      system: [
        { type: "text", text: request.system },
        { type: "text", text: request.stableContext, cache_control: { type: "ephemeral" } },
      ],
      messages: [{ role: "user", content: request.prompt }],
      output_config: { format: { type: "json_schema", schema: modelReviewJsonSchema } },
    });
    expect(body).not.toHaveProperty("temperature");
    expect(body).not.toHaveProperty("tool_choice");
  });

  it("puts the cache breakpoint on the system block when there is no stable context", async () => {
    const { bodies, match } = recordBodies();
    api()
      .post("/v1/messages", match)
      .reply(200, messageResponse(JSON.stringify(review)));

    await createModel().review({ ...request, stableContext: "" });

    expect(bodies[0]!.system).toEqual([
      { type: "text", text: request.system, cache_control: { type: "ephemeral" } },
    ]);
  });

  it("lists schema violations by path in the repair request", async () => {
    const { bodies, match } = recordBodies();
    const invalid = {
      ...review,
      findings: [{ ...review.findings[0]!, line: 0, severity: "blocker" }],
    };
    api()
      .post("/v1/messages", match)
      .reply(200, messageResponse(JSON.stringify(invalid)))
      .post("/v1/messages", match)
      .reply(200, messageResponse(JSON.stringify(review)));

    const result = await createModel().review(request);

    expect(result.review).toEqual(review);
    expect(result.calls).toBe(2);
    const instruction = bodies[1]!.messages[2]!.content;
    expect(instruction).toMatch(/^- findings\.0\.line: /m);
    expect(instruction).toMatch(/^- findings\.0\.severity: /m);
  });

  it("throws ModelPermanentError when the repaired answer is still invalid", async () => {
    api()
      .post("/v1/messages")
      .reply(200, messageResponse("Here is my review: looks good!"))
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify({ summary: review.summary })));

    const error: unknown = await createModel()
      .review(request)
      .catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as Error).message).toContain("findings");
  });

  it("says the review request was refused, for the check run", async () => {
    api()
      .post("/v1/messages")
      .reply(404, {
        type: "error",
        error: { type: "not_found_error", message: "model: claude-sonnet-9" },
      });

    const error: unknown = await createModel()
      .review(request)
      .catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as Error).message).toBe(
      "The Anthropic API refused the review request (404 not_found_error: model: claude-sonnet-9); check the model name",
    );
  });
});
