import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createConversationModel } from "../../src/memory/conversation-model.ts";
import { createAnthropicModel } from "../../src/model/anthropic-model.ts";
import { ModelPermanentError } from "../../src/model/model-errors.ts";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { ANTHROPIC_TEST_KEY, ANTHROPIC_TEST_URL } from "../helpers/revue-harness.ts";

const answer = { intent: "question", learning: null, answer: "Because it is." };

describe("the conversation model over HTTP", () => {
  const waits: number[] = [];
  const model = () =>
    createConversationModel(
      createAnthropicModel({
        apiKey: ANTHROPIC_TEST_KEY,
        baseUrl: ANTHROPIC_TEST_URL,
        model: "claude-sonnet-5-5",
        timeoutMs: 5000,
        maxRetries: 2,
        sleep: async (ms) => {
          waits.push(ms);
        },
        random: () => 0,
      }),
    );

  beforeEach(() => {
    nock.disableNetConnect();
    waits.length = 0;
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("sends a structured-output request and retries a 429 honouring retry-after", async () => {
    const fake = new FakeAnthropic([
      { status: 429, headers: { "retry-after": "3" } },
      { text: JSON.stringify(answer) },
    ]);
    fake.install();
    const result = await model().analyzeReply({ system: "s", prompt: "p" });
    expect(result).toEqual(answer);
    expect(waits).toEqual([3000]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]).toMatchObject({
      model: "claude-sonnet-5-5",
      max_tokens: 1500,
      system: "s",
      messages: [{ role: "user", content: "p" }],
      output_config: { format: { type: "json_schema" } },
    });
  });

  it("fails permanently on an answer that does not match the schema, and on a 400", async () => {
    const invalid = new FakeAnthropic([{ text: '{"intent":"maybe"}' }]);
    invalid.install();
    await expect(model().analyzeReply({ system: "s", prompt: "p" })).rejects.toBeInstanceOf(
      ModelPermanentError,
    );
    // One call per reply: an invalid answer is not sent back for a repair.
    expect(invalid.requests).toHaveLength(1);
    nock.cleanAll();
    new FakeAnthropic([{ status: 400 }]).install();
    await expect(model().analyzeReply({ system: "s", prompt: "p" })).rejects.toBeInstanceOf(
      ModelPermanentError,
    );
  });
});
