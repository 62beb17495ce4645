import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../../src/config/read-config.ts";
import { DEFAULT_MODEL, readModelConfig } from "../../src/config/read-model-config.ts";

function problemsOf(env: Record<string, string>): string[] {
  const result = readModelConfig(env);
  return result.ok ? [] : result.problems;
}

function configOf(env: Record<string, string>) {
  const result = readModelConfig(env);
  if (!result.ok) throw new Error(result.problems.join("\n"));
  return result.config;
}

describe("readModelConfig", () => {
  it("keeps an existing Anthropic deployment as it was", () => {
    const config = configOf({
      ANTHROPIC_API_KEY: "sk-ant-test",
      REVUE_PRICE_INPUT_PER_MTOK: "2",
      REVUE_PRICE_OUTPUT_PER_MTOK: "10",
    });
    expect(config.provider).toEqual({
      kind: "anthropic",
      apiKey: "sk-ant-test",
      baseUrl: undefined,
    });
    expect(config.tasks).toEqual({
      review: DEFAULT_MODEL,
      conversation: DEFAULT_MODEL,
      summary: DEFAULT_MODEL,
      judge: DEFAULT_MODEL,
    });
    expect(config.configured).toBe(true);
    expect(config.prices[DEFAULT_MODEL]).toEqual({ input: 2, output: 10 });
    expect(config.pricePerMillionInput).toBe(2);
    expect(configOf({}).configured).toBe(false);
  });

  it("reads a model per task, a fallback, allowed models and known Claude prices", () => {
    const config = configOf({
      ANTHROPIC_API_KEY: "sk-ant-test",
      REVUE_MODEL: "claude-opus-4-6",
      REVUE_CONVERSATION_MODEL: "claude-haiku-4-5",
      REVUE_FALLBACK_MODEL: "claude-sonnet-4-6",
      REVUE_ALLOWED_MODELS: "claude-sonnet-5-5, claude-opus-4-1",
    });
    expect(config.tasks).toEqual({
      review: "claude-opus-4-6",
      conversation: "claude-haiku-4-5",
      summary: "claude-opus-4-6",
      judge: "claude-opus-4-6",
    });
    expect(config.fallback).toBe("claude-sonnet-4-6");
    expect(config.allowed).toEqual([
      "claude-opus-4-6",
      "claude-haiku-4-5",
      "claude-sonnet-4-6",
      "claude-sonnet-5-5",
      "claude-opus-4-1",
    ]);
    expect(config.prices).toMatchObject({
      "claude-opus-4-6": { input: 5, output: 25 },
      "claude-haiku-4-5": { input: 1, output: 5 },
      "claude-opus-4-1": { input: 15, output: 75 },
    });
  });

  it("reads Bedrock, Vertex and OpenAI-compatible endpoints", () => {
    expect(
      configOf({
        REVUE_PROVIDER: "bedrock",
        AWS_REGION: "eu-west-1",
        REVUE_MODEL: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
      }).provider,
    ).toEqual({ kind: "bedrock", region: "eu-west-1", baseUrl: undefined });
    expect(
      configOf({
        REVUE_PROVIDER: "vertex",
        ANTHROPIC_VERTEX_PROJECT_ID: "acme-ml",
        CLOUD_ML_REGION: "global",
        REVUE_MODEL: "claude-sonnet-4-5@20250929",
      }).provider,
    ).toEqual({ kind: "vertex", projectId: "acme-ml", region: "global", baseUrl: undefined });
    const ollama = configOf({
      REVUE_PROVIDER: "openai",
      OPENAI_BASE_URL: "http://localhost:11434/v1",
      REVUE_OPENAI_RESPONSE_FORMAT: "json_object",
      REVUE_MODEL: "qwen3-coder:30b",
      REVUE_MODEL_PRICES: '{"qwen3-coder:30b":{"input":0,"output":0}}',
    });
    expect(ollama.provider).toEqual({
      kind: "openai",
      apiKey: undefined,
      baseUrl: "http://localhost:11434/v1",
      responseFormat: "json_object",
    });
    expect(ollama.configured).toBe(true);
    expect(ollama.prices["qwen3-coder:30b"]).toEqual({ input: 0, output: 0 });
  });

  it("names each missing or malformed variable and what to set", () => {
    expect(
      problemsOf({ REVUE_PROVIDER: "bedrock", REVUE_MODEL: "anthropic.claude-haiku-4-5" }),
    ).toEqual([expect.stringMatching(/^AWS_REGION: REVUE_PROVIDER=bedrock needs the AWS region/)]);
    expect(
      problemsOf({ REVUE_PROVIDER: "vertex", REVUE_MODEL: "claude-haiku-4-5@20251001" }),
    ).toEqual([
      expect.stringMatching(/^ANTHROPIC_VERTEX_PROJECT_ID: /),
      expect.stringMatching(/^CLOUD_ML_REGION: /),
    ]);
    expect(problemsOf({ REVUE_PROVIDER: "openai" })).toContainEqual(
      expect.stringMatching(
        /^REVUE_MODEL: REVUE_PROVIDER=openai needs the model's name there, e.g. gpt-5.1/,
      ),
    );
    expect(problemsOf({ REVUE_PROVIDER: "azure" })).toEqual([
      expect.stringMatching(
        /^REVUE_PROVIDER: must be one of anthropic, bedrock, vertex, openai \(got "azure"\)/,
      ),
    ]);
    expect(problemsOf({ REVUE_MODEL_PRICES: "{gpt: 1}" })).toEqual([
      expect.stringMatching(/^REVUE_MODEL_PRICES: must be JSON/),
    ]);
    expect(problemsOf({ REVUE_MODEL_PRICES: '{"gpt-5.1":{"input":"cheap"}}' })[0]).toMatch(
      /^REVUE_MODEL_PRICES/,
    );
  });

  it("requires a price for every model that is not a known Claude model", () => {
    expect(
      problemsOf({
        REVUE_PROVIDER: "openai",
        REVUE_MODEL: "gpt-5.1",
        REVUE_FALLBACK_MODEL: "gpt-5-mini",
      }),
    ).toEqual([
      expect.stringMatching(
        /^REVUE_MODEL_PRICES: no price for gpt-5.1, gpt-5-mini; .*e\.g\. REVUE_MODEL_PRICES=\{"gpt-5.1"/,
      ),
    ]);
  });

  it("reads the eval judge's model, prices it, and keeps it out of what a repository may choose", () => {
    const config = configOf({
      ANTHROPIC_API_KEY: "sk-ant-test",
      REVUE_JUDGE_MODEL: "claude-haiku-4-5",
    });
    expect(config.tasks.judge).toBe("claude-haiku-4-5");
    expect(config.tasks.review).toBe(DEFAULT_MODEL);
    expect(config.prices["claude-haiku-4-5"]).toEqual({ input: 1, output: 5 });
    expect(config.allowed).toEqual([DEFAULT_MODEL]);
    expect(problemsOf({ REVUE_JUDGE_MODEL: "  " })).toEqual([
      expect.stringMatching(/^REVUE_JUDGE_MODEL: /),
    ]);
    expect(
      problemsOf({
        REVUE_PROVIDER: "openai",
        REVUE_MODEL: "gpt-5.1",
        REVUE_JUDGE_MODEL: "gpt-5-mini",
        REVUE_MODEL_PRICES: '{"gpt-5.1":{"input":1.25,"output":10}}',
      }),
    ).toEqual([expect.stringMatching(/^REVUE_MODEL_PRICES: no price for gpt-5-mini; /)]);
  });

  it("fails readConfig at start with the model's problems beside the others", () => {
    expect(() =>
      readConfig({ PORT: "eighty", REVUE_PROVIDER: "bedrock", REVUE_MODEL: "x.claude-sonnet-4-5" }),
    ).toThrow(ConfigError);
    expect(() =>
      readConfig({ PORT: "eighty", REVUE_PROVIDER: "bedrock", REVUE_MODEL: "x.claude-sonnet-4-5" }),
    ).toThrow(/PORT[\s\S]*AWS_REGION: REVUE_PROVIDER=bedrock/);
  });
});
