import { Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import nock from "nock";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAnthropicModel } from "../../src/model/anthropic-model.ts";
import { ModelPermanentError, ModelRetryableError } from "../../src/model/model-errors.ts";
import {
  recordingSleep,
  verdictAnswer,
  verdictJsonSchema,
  verdictRequest,
} from "../helpers/model-stand-ins.ts";

const baseUrl = "https://api.anthropic.test";
const apiKey = "sk-ant-test-0123456789";
const model = "claude-sonnet-5-5";

const request = verdictRequest;
const prompt = request.messages[0]!.content;
const answer = verdictAnswer;

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
  system: string | Array<{ type: string; text: string; cache_control?: unknown }>;
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

function createModel(overrides: Partial<Parameters<typeof createAnthropicModel>[0]> = {}) {
  const { waits, sleep } = recordingSleep();
  const model_ = createAnthropicModel({
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

describe("createAnthropicModel", () => {
  it("sends system blocks with a cache breakpoint where asked and structured outputs, and returns the parsed value", async () => {
    const { bodies, match } = recordBodies();
    api()
      .post("/v1/messages", match)
      .matchHeader("authorization", `Bearer ${apiKey}`)
      .matchHeader("anthropic-version", /^\d{4}-\d{2}-\d{2}$/)
      .reply(200, messageResponse(JSON.stringify(answer)), { "request-id": "req_1" });
    const { model: client, waits } = createModel();

    const result = await client.generate(request);

    expect(result).toEqual({
      value: answer,
      usage: { inputTokens: 1200, outputTokens: 350, cacheReadTokens: 2048, cacheWriteTokens: 0 },
      calls: 1,
    });
    expect(client.id).toBe(model);
    expect(waits).toEqual([]);
    expect(bodies).toHaveLength(1);
    const body = bodies[0]!;
    expect(body).toEqual({
      model,
      max_tokens: 4096,
      system: [
        { type: "text", text: request.system[0]!.text },
        { type: "text", text: request.system[1]!.text, cache_control: { type: "ephemeral" } },
      ],
      messages: [{ role: "user", content: prompt }],
      output_config: { format: { type: "json_schema", schema: verdictJsonSchema } },
    });
    expect(body).not.toHaveProperty("temperature");
    expect(body).not.toHaveProperty("tool_choice");
  });

  it("sends one system block without a breakpoint as a plain string", async () => {
    const { bodies, match } = recordBodies();
    api()
      .post("/v1/messages", match)
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client } = createModel();

    await client.generate({ ...request, system: [{ text: "Judge this." }] });

    expect(bodies[0]!.system).toBe("Judge this.");
  });

  it("marks every block that asks for a breakpoint, and only those", async () => {
    const { bodies, match } = recordBodies();
    api()
      .post("/v1/messages", match)
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client } = createModel();

    await client.generate({ ...request, system: [{ text: "Judge this.", cacheBreakpoint: true }] });

    expect(bodies[0]!.system).toEqual([
      { type: "text", text: "Judge this.", cache_control: { type: "ephemeral" } },
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
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client, waits } = createModel();

    const result = await client.generate(request);

    expect(waits).toEqual([7000]);
    expect(result.calls).toBe(2);
    expect(result.value).toEqual(answer);
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
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client, waits } = createModel({ maxRetries: 3, now: () => now });

    await client.generate(request);

    expect(waits).toEqual([1500, 30_000, 120_000]);
  });

  it("backs off exponentially on 529 overloaded, then succeeds", async () => {
    api()
      .post("/v1/messages")
      .times(2)
      .reply(529, errorResponse("overloaded_error", "Overloaded"))
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client, waits } = createModel({ random: () => 0 });

    const result = await client.generate(request);

    // 1 s then 2 s: random() = 0 takes none of the up-to-25% jitter off.
    expect(waits).toEqual([1000, 2000]);
    expect(result.calls).toBe(3);
  });

  it("keeps jittered backoff between 75% and 100% of the exponential step, capped at 60 s", async () => {
    api()
      .post("/v1/messages")
      .times(8)
      .reply(503, errorResponse("api_error", "Service unavailable"));
    const { model: client, waits } = createModel({ maxRetries: 7, random: () => 0.999 });

    await expect(client.generate(request)).rejects.toBeInstanceOf(ModelRetryableError);

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
    const { model: client, waits } = createModel({ maxRetries: 2 });

    const error: unknown = await client.generate(request).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelRetryableError);
    expect((error as ModelRetryableError).status).toBe(500);
    expect((error as ModelRetryableError).cause).toBeInstanceOf(Error);
    expect(waits).toHaveLength(2);
  });

  it("hands the last retry-after to the job when retries run out", async () => {
    api()
      .post("/v1/messages")
      .reply(429, errorResponse("rate_limit_error", "Rate limited"), { "retry-after": "42" });
    const { model: client } = createModel({ maxRetries: 0 });

    const error: unknown = await client.generate(request).catch((thrown: unknown) => thrown);

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
    const { model: client, waits } = createModel();

    const error: unknown = await client.generate(request).catch((thrown: unknown) => thrown);

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
        return [200, messageResponse(JSON.stringify(answer))];
      })
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client, waits } = createModel({ timeoutMs: 50 });

    const result = await client.generate(request);

    expect(result.value).toEqual(answer);
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
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client, waits } = createModel({ timeoutMs: 50, fetch: fetchOnce });

    const result = await client.generate(request);

    expect(result.calls).toBe(2);
    expect(waits).toEqual([1000]);
  });

  it("retries a connection error", async () => {
    api()
      .post("/v1/messages")
      .replyWithError("socket hang up")
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client, waits } = createModel();

    const result = await client.generate(request);

    expect(result.calls).toBe(2);
    expect(waits).toEqual([1000]);
  });

  it("repairs an answer that is not JSON with one more call, summing usage", async () => {
    const { bodies, match } = recordBodies();
    const broken = '{"verdict": "reject", "reasons": [ ';
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
        messageResponse(JSON.stringify(answer), {
          usage: {
            input_tokens: 1100,
            output_tokens: 400,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 3000,
          },
        }),
      );
    const { model: client } = createModel();

    const result = await client.generate(request);

    expect(result).toEqual({
      value: answer,
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
    expect(repair.messages[0]).toEqual({ role: "user", content: prompt });
    expect(repair.messages[1]).toEqual({ role: "assistant", content: broken.trimEnd() });
    expect(repair.messages[2]!.role).toBe("user");
    expect(repair.messages[2]!.content).toContain("not valid JSON");
    expect(repair.messages[2]!.content).toContain("corrected JSON object only");
  });

  it("lists schema violations by path in the repair request", async () => {
    const { bodies, match } = recordBodies();
    const invalid = {
      verdict: "maybe",
      reasons: [{ ...answer.reasons[0]!, line: 0 }],
    };
    api()
      .post("/v1/messages", match)
      .reply(200, messageResponse(JSON.stringify(invalid)))
      .post("/v1/messages", match)
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client } = createModel();

    const result = await client.generate(request);

    expect(result.value).toEqual(answer);
    const instruction = bodies[1]!.messages[2]!.content;
    expect(instruction).toMatch(/^- verdict: /m);
    expect(instruction).toMatch(/^- reasons\.0\.line: /m);
  });

  it("throws ModelPermanentError when the repaired answer is still invalid", async () => {
    api()
      .post("/v1/messages")
      .reply(200, messageResponse("Here is my verdict: looks good!"))
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify({ verdict: answer.verdict })));
    const { model: client } = createModel();

    const error: unknown = await client.generate(request).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as Error).message).toContain("reasons");
  });

  it("does not repair an invalid answer when the request says never", async () => {
    api()
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify({ verdict: "maybe", reasons: [] })));
    const { model: client } = createModel();

    const error: unknown = await client
      .generate({ ...request, repair: "never" })
      .catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as Error).message).toContain("verdict request is invalid");
    expect((error as Error).message).toMatch(/^- verdict: /m);
  });

  it("repairs an answer truncated at max_tokens, asking for a shorter one", async () => {
    const { bodies, match } = recordBodies();
    const truncated = JSON.stringify(answer).slice(0, 40);
    api()
      .post("/v1/messages", match)
      .reply(200, messageResponse(truncated, { stopReason: "max_tokens" }))
      .post("/v1/messages", match)
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client } = createModel();

    const result = await client.generate(request);

    expect(result.calls).toBe(2);
    expect(bodies[1]!.messages[1]).toEqual({ role: "assistant", content: truncated });
    expect(bodies[1]!.messages[2]!.content).toContain("cut off at the output token limit");
    expect(bodies[1]!.messages[2]!.content).toContain("shorter");
  });

  it("repairs a truncated answer even when the cut happens to leave valid JSON", async () => {
    api()
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(answer), { stopReason: "max_tokens" }))
      .post("/v1/messages")
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client } = createModel();

    expect((await client.generate(request)).calls).toBe(2);
  });

  it("does not repair a refusal", async () => {
    api()
      .post("/v1/messages")
      .reply(200, messageResponse("", { stopReason: "refusal" }));
    const { model: client } = createModel();

    await expect(client.generate(request)).rejects.toBeInstanceOf(ModelPermanentError);
  });

  it("does not repair an answer that filled the context window", async () => {
    api()
      .post("/v1/messages")
      .reply(200, messageResponse("{", { stopReason: "model_context_window_exceeded" }));
    const { model: client } = createModel();

    const error: unknown = await client.generate(request).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as Error).message).toContain("context window");
  });

  it("names the task in its errors, so a job's failure says which call failed", async () => {
    api()
      .post("/v1/messages")
      .reply(401, errorResponse("authentication_error", "invalid x-api-key"));
    api().post("/v1/messages").reply(503, errorResponse("api_error", "Service unavailable"));
    const { model: client } = createModel({ maxRetries: 0 });

    const refused: unknown = await client.generate(request).catch((thrown: unknown) => thrown);
    const failed: unknown = await client.generate(request).catch((thrown: unknown) => thrown);

    expect((refused as Error).message).toContain("refused the verdict request");
    expect((refused as Error).message).toContain("check the Anthropic API key");
    expect((failed as Error).message).toContain("failed 1 time(s) (last: 503 api_error)");
    expect((failed as Error).message).toContain("try the verdict again later");
  });

  it("stops a request in flight when the caller aborts, without retrying", async () => {
    const controller = new AbortController();
    api()
      .post("/v1/messages")
      .reply(async () => {
        controller.abort();
        await delay(1_000);
        return [200, messageResponse(JSON.stringify(answer))];
      });
    const { model: client, waits } = createModel();

    const error: unknown = await client
      .generate(request, { signal: controller.signal })
      .catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelRetryableError);
    expect((error as Error).message).toContain("verdict call was aborted");
    expect(waits).toEqual([]);
  });

  it("stops waiting and throws ModelRetryableError when the caller aborts during a retry wait", async () => {
    api().post("/v1/messages").reply(529, errorResponse("overloaded_error", "Overloaded"));
    const controller = new AbortController();
    const client = createAnthropicModel({
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

    const error: unknown = await client
      .generate(request, { signal: controller.signal })
      .catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelRetryableError);
    expect((error as Error).message).toContain("aborted");
  });

  it("sends nothing when the signal is already aborted", async () => {
    const { model: client } = createModel();

    await expect(client.generate(request, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      ModelRetryableError,
    );
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
      .reply(200, messageResponse(JSON.stringify(answer)));
    const { model: client } = createModel({ log: pino({ level: "debug" }, destination) });

    await client.generate(request);

    const logged = lines.join("");
    expect(logged).toContain('"status":429');
    expect(logged).toContain('"waitMs":3000');
    for (const secret of [apiKey, prompt, ...request.system.map((block) => block.text)]) {
      expect(logged).not.toContain(secret);
    }
  });

  it("rejects options the SDK would only reject at request time", () => {
    expect(() => createModel({ timeoutMs: 1.5 })).toThrow(/timeoutMs/);
    expect(() => createModel({ maxRetries: -1 })).toThrow(/maxRetries/);
  });
});
