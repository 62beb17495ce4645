import { OAuth2Client } from "google-auth-library";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { ModelPermanentError } from "../../src/model/model-errors.ts";
import { createVertexModel } from "../../src/model/vertex-model.ts";
import {
  messagesResponse,
  recordBodies,
  recordingSleep,
  useNockOnly,
  verdictAnswer,
  verdictJsonSchema,
  verdictRequest,
} from "../helpers/model-stand-ins.ts";

const projectId = "revue-ci";
const region = "us-east5";
const endpoint = `https://${region}-aiplatform.googleapis.com`;
const modelId = "claude-sonnet-4-5@20250929";
const rawPredictPath = `/v1/projects/${projectId}/locations/${region}/publishers/anthropic/models/${modelId}:rawPredict`;
const accessToken = "ya29.test-access-token";

/**
 * Google credentials already in hand: an OAuth client holding an unexpired token answers
 * `getRequestHeaders` itself, so no call goes to Google's token endpoint or metadata server.
 */
function authClient(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: accessToken, expiry_date: Date.now() + 3_600_000 });
  return client;
}

function createModel(overrides: Partial<Parameters<typeof createVertexModel>[0]> = {}) {
  const { waits, sleep } = recordingSleep();
  const model = createVertexModel({
    projectId,
    region,
    authClient: authClient(),
    model: modelId,
    timeoutMs: 5_000,
    maxRetries: 2,
    sleep,
    random: () => 0,
    ...overrides,
  });
  return { model, waits };
}

/** Vertex's error shape for a partner model: Google's `error` object with code and status. */
function vertexError(code: number, status: string, message: string) {
  return [{ error: { code, message, status } }];
}

useNockOnly();

describe("createVertexModel", () => {
  it("posts to rawPredict with the Google token, the schema asked for in the prompt, and maps usage", async () => {
    const { bodies, match } = recordBodies<{
      system: Array<{ text: string }>;
      [key: string]: unknown;
    }>();
    nock(endpoint)
      .post(rawPredictPath, match)
      .matchHeader("authorization", `Bearer ${accessToken}`)
      .reply(
        200,
        messagesResponse(JSON.stringify(verdictAnswer), {
          model: modelId,
          usage: {
            input_tokens: 700,
            output_tokens: 90,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 1800,
          },
        }),
      );
    const { model } = createModel();

    const result = await model.generate(verdictRequest);

    expect(result).toEqual({
      value: verdictAnswer,
      usage: { inputTokens: 700, outputTokens: 90, cacheReadTokens: 1800, cacheWriteTokens: 0 },
      calls: 1,
    });
    const body = bodies[0]!;
    expect(body).not.toHaveProperty("model");
    expect(body.anthropic_version).toEqual(expect.any(String));
    // Off by default on Vertex: an organisation policy must allow structured outputs first.
    expect(body).not.toHaveProperty("output_config");
    expect(body.system.at(-1)!.text).toContain(JSON.stringify(verdictJsonSchema));
    // The cache breakpoint still lands on the stable block.
    expect(body.system[1]).toEqual({
      type: "text",
      text: verdictRequest.system[1]!.text,
      cache_control: { type: "ephemeral" },
    });
  });

  it("sends output_config when structured outputs are switched on", async () => {
    const { bodies, match } = recordBodies();
    nock(endpoint)
      .post(rawPredictPath, match)
      .reply(200, messagesResponse(JSON.stringify(verdictAnswer)));
    const { model } = createModel({ structuredOutputs: true });

    await model.generate(verdictRequest);

    expect(bodies[0]!.output_config).toEqual({
      format: { type: "json_schema", schema: verdictJsonSchema },
    });
  });

  it("repairs an off-schema answer once, then returns the repaired value", async () => {
    const { bodies, match } = recordBodies<{ messages: Array<{ content: string }> }>();
    nock(endpoint)
      .post(rawPredictPath, match)
      .reply(200, messagesResponse('{"verdict":"maybe","reasons":[]}'))
      .post(rawPredictPath, match)
      .reply(200, messagesResponse(JSON.stringify(verdictAnswer)));
    const { model } = createModel();

    const result = await model.generate(verdictRequest);

    expect(result.value).toEqual(verdictAnswer);
    expect(result.usage.inputTokens).toBe(2400);
    expect(bodies[1]!.messages[2]!.content).toMatch(/^- verdict: /m);
  });

  it("retries a 429 after the wait it asks for", async () => {
    nock(endpoint)
      .post(rawPredictPath)
      .reply(
        429,
        ...vertexError(
          429,
          "RESOURCE_EXHAUSTED",
          "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model",
        ),
        { "retry-after": "2" },
      )
      .post(rawPredictPath)
      .reply(200, messagesResponse(JSON.stringify(verdictAnswer)));
    const { model, waits } = createModel();

    const result = await model.generate(verdictRequest);

    expect(waits).toEqual([2000]);
    expect(result.calls).toBe(2);
  });

  it("does not retry a 404 and names what to check", async () => {
    nock(endpoint)
      .post(rawPredictPath)
      .reply(404, ...vertexError(404, "NOT_FOUND", `Publisher Model ${modelId} was not found.`));
    const { model, waits } = createModel();

    const error: unknown = await model.generate(verdictRequest).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ModelPermanentError);
    expect((error as Error).message).toContain("Google Vertex AI refused the verdict request (404");
    expect((error as Error).message).toContain("check the model name");
    expect(waits).toEqual([]);
  });
});
