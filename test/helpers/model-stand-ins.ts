import nock from "nock";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { z } from "zod";
import type { GenerateRequest } from "../../src/model/structured-model.ts";

/**
 * Shared by the provider tests: one small structured request (the client knows no feature's
 * schema), its answer, and response bodies in each API's real shape.
 */
export const verdictSchema = z.object({
  verdict: z.enum(["approve", "reject"]),
  reasons: z.array(z.object({ line: z.number().int().min(1), text: z.string() })),
});
export type Verdict = z.infer<typeof verdictSchema>;

export const verdictJsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["verdict", "reasons"],
  properties: {
    verdict: { type: "string", enum: ["approve", "reject"] },
    reasons: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["line", "text"],
        properties: { line: { type: "integer" }, text: { type: "string" } },
      },
    },
  },
};

export const verdictRequest: GenerateRequest<Verdict> = {
  task: "verdict",
  system: [
    { text: "You judge pull requests like a careful senior engineer." },
    { text: "Repository instructions: prefer early returns.", cacheBreakpoint: true },
  ],
  messages: [
    {
      role: "user",
      content: "diff --git a/src/add.ts b/src/add.ts\n+export const add = (a, b) => a - b;",
    },
  ],
  output: { json: verdictJsonSchema, parse: verdictSchema },
  maxOutputTokens: 4096,
  repair: "once",
};

export const verdictAnswer: Verdict = {
  verdict: "reject",
  reasons: [{ line: 1, text: "`add` subtracts: `a - b` returns the difference." }],
};

/** A Messages API response (Anthropic, Bedrock's invoke, Vertex's rawPredict answer alike). */
export function messagesResponse(
  text: string,
  {
    stopReason = "end_turn",
    usage = { input_tokens: 1200, output_tokens: 350 },
    model = "claude-sonnet-4-5-20250929",
  }: {
    stopReason?: string;
    usage?: {
      input_tokens: number;
      output_tokens: number;
      cache_creation_input_tokens?: number;
      cache_read_input_tokens?: number;
    };
    model?: string;
  } = {},
) {
  return {
    id: "msg_bdrk_01XFDUDYJgAACzvnptvVoYEL",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text }],
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...usage },
  };
}

/** A Chat Completions response, as OpenAI-compatible servers send it. */
export function chatCompletion(
  content: string | null,
  {
    finishReason = "stop",
    refusal = null,
    usage = { prompt_tokens: 1500, completion_tokens: 300, cached_tokens: 1024 },
    model = "gpt-5.1-2025-11-13",
  }: {
    finishReason?: string;
    refusal?: string | null;
    usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens: number };
    model?: string;
  } = {},
) {
  return {
    id: "chatcmpl-CbQ4kGyqyS5X1pZ7nVw0rTqL",
    object: "chat.completion",
    created: 1764720000,
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal, annotations: [] },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: {
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.prompt_tokens + usage.completion_tokens,
      prompt_tokens_details: { cached_tokens: usage.cached_tokens, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    service_tier: "default",
    system_fingerprint: "fp_2f1b9c4e7a",
  };
}

/** Waits recorded instead of slept, so retries run instantly and their waits can be asserted. */
export function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

/** Every request body a nock interceptor received, in order (pass `match` as the body matcher). */
export function recordBodies<T = Record<string, unknown>>(): {
  bodies: T[];
  match: (body: T) => boolean;
} {
  const bodies: T[] = [];
  return { bodies, match: (body) => (bodies.push(body), true) };
}

/**
 * In a test file: no request leaves the process, and each test made every request it expected
 * (a test that "did not fall back" is then a real assertion).
 */
export function useNockOnly(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => nock.enableNetConnect());
}
