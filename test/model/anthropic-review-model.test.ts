import { Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import nock from "nock";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAnthropicReviewModel } from "../../src/model/anthropic-review-model.ts";
import { ModelPermanentError, ModelRetryableError } from "../../src/model/review-model.ts";
import type { ReviewRequest } from "../../src/model/review-model.ts";
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

type Usage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
};

const defaultUsage: Usage = {
  input_tokens: 1200,
  output_tokens: 350,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 2048,
};

/** A Messages API response, shaped as the API sends it. */
function messageResponse(
  text: string,
  { stopReason = "end_turn", usage = defaultUsage }: { stopReason?: string; usage?: Usage } = {},
) {
  return {
    id: "msg_01XFDUDYJgAACzvnptvVoYEL",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text }],
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { ...usage, service_tier: "standard" },
  };
}

/** An error response, shaped as the API sends it. */
function errorResponse(type: string, message: string) {
  return { type: "error", error: { type, message }, request_id: "req_011CSHoEeqs5C35K2UUqR7Fy" };
}

type SentBody = {
  model: string;
  max_tokens: number;
  system: Array<{ type: string; text: string; cache_control?: unknown }>;
  messages: Array<{ role: string; content: string }>;
  output_config: unknown;
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

function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

function createModel(overrides: Partial<Parameters<typeof createAnthropicReviewModel>[0]> = {}) {
  const { waits, sleep } = recordingSleep();
  const model_ = createAnthropicReviewModel({
    apiKey,
    baseUrl,
    model,
    timeoutMs: 5_000,
    maxRetries: 2,
    sleep,
    random: () => 0,
    ...overrides,
  });
  return { model: model_, waits };
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

describe("createAnthropicReviewModel", () => {
  it("sends the stable prefix as cached system blocks with structured outputs and returns the review", async () => {
    const { bodies, match } = recordBodies();
    api()
      .post("/v1/messages", match)
      .matchHeader("authorization", `Bearer ${apiKey}`)
      .matchHeader("anthropic-version", /^\d{4}-\d{2}-\d{2}$/)
      .reply(200, messageResponse(JSON.stringify(review)), { "request-id": "req_1" });
    const { model: reviewModel, waits } = createModel();

    const result = await reviewModel.review(request);

    expect(result).toEqual({
      review,
      usage: { inputTokens: 1200, outputTokens: 350, cacheReadTokens: 2048, cacheWriteTokens: 0 },
      calls: 1,
    });
    expect(reviewModel.id).toBe(model);
    expect(waits).toEqual([]);
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
    const { model: reviewModel } = createModel();

    await reviewModel.review({ ...request, stableContext: "" });

    expect(bodies[0]!.system).toEqual([
      { type: "text", text: request.system, cache_control: { type: "ephemeral" } },
    ]);
  });

  it("waits what retry-after says after a 429, then succeeds", async () => {
    api()
      .post("/v1/messages")
      .reply(
        429,
        errorResponse(
          "rate_limit_error",
          "Number of request tokens has exceeded your per-minute rate limit",
        ),
        {
          "retry-after": "7",
        },
      )
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(review)));
    const { model: reviewModel, waits } = createModel();

    const result = await reviewModel.review(request);

    expect(waits).toEqual([7000]);
    expect(result.calls).toBe(2);
    expect(result.review).toEqual(review);
  });

  it("prefers retry-after-ms, reads retry-after as an HTTP date, and caps waits at 120 s", async () => {
    const now = Date.parse("2026-03-01T12:00:00Z");
    api()
      .post("/v1/messages")
      .reply(429, errorResponse("rate_limit_error", "Rate limited"), {
        "retry-after-ms": "1500",
        "retry-after": "2",
      })
      .post("/v1/messages")
      .reply(429, errorResponse("rate_limit_error", "Rate limited"), {
        "retry-after": "Sun, 01 Mar 2026 12:00:30 GMT",
      })
      .post("/v1/messages")
      .reply(529, errorResponse("overloaded_error", "Overloaded"), { "retry-after": "600" })
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(review)));
    const { model: reviewModel, waits } = createModel({ maxRetries: 3, now: () => now });

    await reviewModel.review(request);

    expect(waits).toEqual([1500, 30_000, 120_000]);
  });

  it("backs off exponentially on 529 overloaded, then succeeds", async () => {
    api()
      .post("/v1/messages")
      .times(2)
      .reply(529, errorResponse("overloaded_error", "Overloaded"))
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(review)));
    const { model: reviewModel, waits } = createModel({ random: () => 0 });

    const result = await reviewModel.review(request);

    // 1 s then 2 s: random() = 0 takes none of the up-to-25% jitter off.
    expect(waits).toEqual([1000, 2000]);
    expect(result.calls).toBe(3);
  });

  it("keeps jittered backoff between 75% and 100% of the exponential step, capped at 60 s", async () => {
    api()
      .post("/v1/messages")
      .times(8)
      .reply(503, errorResponse("api_error", "Service unavailable"));
    const { model: reviewModel, waits } = createModel({ maxRetries: 7, random: () => 0.999 });

    await expect(reviewModel.review(request)).rejects.toBeInstanceOf(ModelRetryableError);

    expect(waits).toEqual(
      [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000].map((step) =>
        Math.round(step * (1 - 0.25 * 0.999)),
      ),
    );
  });

  it("throws ModelRetryableError when 500s outlast maxRetries", async () => {
    api()
      .post("/v1/messages")
      .times(3)
      .reply(500, errorResponse("api_error", "Internal server error"));
    const { model: reviewModel, waits } = createModel({ maxRetries: 2 });

    const error: unknown = await reviewModel.review(request).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelRetryableError);
    expect((error as ModelRetryableError).status).toBe(500);
    expect((error as ModelRetryableError).cause).toBeInstanceOf(Error);
    expect(waits).toHaveLength(2);
  });

  it("hands the last retry-after to the job when retries run out", async () => {
    api()
      .post("/v1/messages")
      .reply(429, errorResponse("rate_limit_error", "Rate limited"), { "retry-after": "42" });
    const { model: reviewModel } = createModel({ maxRetries: 0 });

    const error: unknown = await reviewModel.review(request).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelRetryableError);
    expect((error as ModelRetryableError).retryAfterMs).toBe(42_000);
  });

  it.each([
    [400, "invalid_request_error", "max_tokens: must be at most 64000"],
    [401, "authentication_error", "invalid x-api-key"],
    [
      403,
      "permission_error",
      "Your API key does not have permission to use the specified resource.",
    ],
    [404, "not_found_error", "model: claude-sonnet-9"],
  ])("throws ModelPermanentError on %i without retrying", async (status, type, message) => {
    api().post("/v1/messages").reply(status, errorResponse(type, message));
    const { model: reviewModel, waits } = createModel();

    const error: unknown = await reviewModel.review(request).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as ModelPermanentError).status).toBe(status);
    expect((error as Error).message).toContain(`${status} ${type}: ${message}`);
    expect((error as Error).message).not.toContain(apiKey);
    expect(waits).toEqual([]);
  });

  it("retries a request whose response outlives timeoutMs", async () => {
    api()
      .post("/v1/messages")
      .reply(async () => {
        await delay(1_000);
        return [200, messageResponse(JSON.stringify(review))];
      })
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(review)));
    const { model: reviewModel, waits } = createModel({ timeoutMs: 50 });

    const result = await reviewModel.review(request);

    expect(result.review).toEqual(review);
    expect(result.calls).toBe(2);
    expect(waits).toEqual([1000]);
  });

  it("retries a response whose body stalls past timeoutMs", async () => {
    // nock cannot stall a body without tripping undici once the request is aborted, so this one
    // fetch is hand-made: headers arrive, then the body never ends.
    const stalled = async (): Promise<Response> =>
      new Response(
        new ReadableStream({ start: (controller) => controller.enqueue(Buffer.from('{"id":')) }),
        { status: 200, headers: { "content-type": "application/json" } },
      );
    let requests = 0;
    const fetchOnce: typeof fetch = async (input, init) => {
      requests += 1;
      return requests === 1 ? stalled() : fetch(input, init);
    };
    api()
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(review)));
    const { model: reviewModel, waits } = createModel({ timeoutMs: 50, fetch: fetchOnce });

    const result = await reviewModel.review(request);

    expect(result.calls).toBe(2);
    expect(waits).toEqual([1000]);
  });

  it("retries a connection error", async () => {
    api()
      .post("/v1/messages")
      .replyWithError("socket hang up")
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(review)));
    const { model: reviewModel, waits } = createModel();

    const result = await reviewModel.review(request);

    expect(result.calls).toBe(2);
    expect(waits).toEqual([1000]);
  });

  it("repairs an answer that is not JSON with one more call, summing usage", async () => {
    const { bodies, match } = recordBodies();
    const broken = '{"summary": {"walkthrough": "Adds an add helper.", ';
    api()
      .post("/v1/messages", match)
      .reply(
        200,
        messageResponse(broken, {
          usage: {
            input_tokens: 1000,
            output_tokens: 20,
            cache_creation_input_tokens: 3000,
            cache_read_input_tokens: 0,
          },
        }),
      )
      .post("/v1/messages", match)
      .reply(
        200,
        messageResponse(JSON.stringify(review), {
          usage: {
            input_tokens: 1100,
            output_tokens: 400,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 3000,
          },
        }),
      );
    const { model: reviewModel } = createModel();

    const result = await reviewModel.review(request);

    expect(result).toEqual({
      review,
      usage: {
        inputTokens: 2100,
        outputTokens: 420,
        cacheReadTokens: 3000,
        cacheWriteTokens: 3000,
      },
      calls: 2,
    });
    const repair = bodies[1]!;
    expect(repair.system).toEqual(bodies[0]!.system);
    expect(repair.output_config).toEqual(bodies[0]!.output_config);
    expect(repair.messages).toHaveLength(3);
    expect(repair.messages[0]).toEqual({ role: "user", content: request.prompt });
    expect(repair.messages[1]).toEqual({ role: "assistant", content: broken.trimEnd() });
    expect(repair.messages[2]!.role).toBe("user");
    expect(repair.messages[2]!.content).toContain("not valid JSON");
    expect(repair.messages[2]!.content).toContain("corrected JSON object only");
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
    const { model: reviewModel } = createModel();

    const result = await reviewModel.review(request);

    expect(result.review).toEqual(review);
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
    const { model: reviewModel } = createModel();

    const error: unknown = await reviewModel.review(request).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as Error).message).toContain("findings");
  });

  it("repairs an answer truncated at max_tokens, asking for a shorter one", async () => {
    const { bodies, match } = recordBodies();
    const truncated = JSON.stringify(review).slice(0, 120);
    api()
      .post("/v1/messages", match)
      .reply(200, messageResponse(truncated, { stopReason: "max_tokens" }))
      .post("/v1/messages", match)
      .reply(200, messageResponse(JSON.stringify(review)));
    const { model: reviewModel } = createModel();

    const result = await reviewModel.review(request);

    expect(result.calls).toBe(2);
    expect(bodies[1]!.messages[1]).toEqual({ role: "assistant", content: truncated });
    expect(bodies[1]!.messages[2]!.content).toContain("cut off at the output token limit");
    expect(bodies[1]!.messages[2]!.content).toContain("shorter");
  });

  it("repairs a truncated answer even when the cut happens to leave valid JSON", async () => {
    api()
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(review), { stopReason: "max_tokens" }))
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(review)));
    const { model: reviewModel } = createModel();

    expect((await reviewModel.review(request)).calls).toBe(2);
  });

  it("does not repair a refusal", async () => {
    api()
      .post("/v1/messages")
      .reply(200, messageResponse("", { stopReason: "refusal" }));
    const { model: reviewModel } = createModel();

    await expect(reviewModel.review(request)).rejects.toBeInstanceOf(ModelPermanentError);
  });

  it("stops waiting and throws ModelRetryableError when the caller aborts during a retry wait", async () => {
    api().post("/v1/messages").reply(529, errorResponse("overloaded_error", "Overloaded"));
    const controller = new AbortController();
    const reviewModel = createAnthropicReviewModel({
      apiKey,
      baseUrl,
      model,
      timeoutMs: 5_000,
      maxRetries: 2,
      sleep: () => {
        controller.abort();
        return new Promise<void>(() => {});
      },
    });

    const error: unknown = await reviewModel
      .review(request, { signal: controller.signal })
      .catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelRetryableError);
    expect((error as Error).message).toContain("aborted");
  });

  it("sends nothing when the signal is already aborted", async () => {
    const { model: reviewModel } = createModel();

    await expect(
      reviewModel.review(request, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(ModelRetryableError);
  });

  it("logs statuses and waits but never the API key or prompt text", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    api()
      .post("/v1/messages")
      .reply(429, errorResponse("rate_limit_error", "Rate limited"), { "retry-after": "3" })
      .post("/v1/messages")
      .reply(200, messageResponse("not json"))
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(review)));
    const { model: reviewModel } = createModel({ log: pino({ level: "debug" }, destination) });

    await reviewModel.review(request);

    const logged = lines.join("");
    expect(logged).toContain('"status":429');
    expect(logged).toContain('"waitMs":3000');
    for (const secret of [apiKey, request.prompt, request.system, request.stableContext]) {
      expect(logged).not.toContain(secret);
    }
  });

  it("rejects options the SDK would only reject at request time", () => {
    expect(() => createModel({ timeoutMs: 1.5 })).toThrow(/timeoutMs/);
    expect(() => createModel({ maxRetries: -1 })).toThrow(/maxRetries/);
  });
});

describe("modelReviewJsonSchema", () => {
  type Node = { [key: string]: unknown };
  function objectNodes(node: unknown, found: Node[] = []): Node[] {
    if (Array.isArray(node)) node.forEach((child) => objectNodes(child, found));
    else if (typeof node === "object" && node !== null) {
      if ((node as Node).type === "object") found.push(node as Node);
      Object.values(node).forEach((child) => objectNodes(child, found));
    }
    return found;
  }

  it("closes every object and requires every property, as structured outputs demand", () => {
    const objects = objectNodes(modelReviewJsonSchema);
    expect(objects.length).toBe(4);
    for (const object of objects) {
      expect(object.additionalProperties).toBe(false);
      expect(object.required).toEqual(Object.keys(object.properties as Node));
    }
  });

  it("leaves out keywords the API rejects", () => {
    const text = JSON.stringify(modelReviewJsonSchema);
    for (const keyword of [
      "$schema",
      "minimum",
      "maximum",
      "minLength",
      "maxLength",
      "multipleOf",
    ]) {
      expect(text).not.toContain(`"${keyword}"`);
    }
  });
});
