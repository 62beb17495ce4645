import { expect, it } from "vitest";
import { parsePatch } from "../../src/diff/parse-patch.ts";
import type { ReviewModel } from "../../src/review/review-model.ts";
import { runModelReview } from "../../src/review/run-model-review.ts";
import { silentLogger } from "../helpers/silent-logger.ts";

const usage = { inputTokens: 100, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 };
const empty = {
  summary: { walkthrough: "", files: [], risk: "low" as const, riskReason: "" },
  findings: [],
};

it("counts each answering model's tokens apart, so a fallback is priced as itself", async () => {
  // Two files too large to share a call: two calls, the second answered by the fallback.
  let call = 0;
  const model: ReviewModel = {
    id: "claude-opus-4-6",
    review: async () => {
      call += 1;
      return {
        review: empty,
        usage,
        calls: 1,
        answeredBy: call === 1 ? "claude-opus-4-6" : "claude-haiku-4-5",
      };
    },
  };
  const file = (path: string) => ({
    path,
    status: "modified" as const,
    hunks: parsePatch(
      `@@ -1,1 +1,200 @@\n line\n${Array.from({ length: 199 }, (_, i) => `+const value${i} = compute(${i}, "${"x".repeat(40)}");`).join("\n")}`,
    ),
  });
  const result = await runModelReview({
    model,
    pr: {
      owner: "o",
      repo: "r",
      number: 1,
      title: "t",
      body: null,
      author: "a",
      baseRef: "main",
      headRef: "topic",
      mode: "full",
      fromSha: "a".repeat(40),
      headSha: "b".repeat(40),
    },
    files: [file("src/a.ts"), file("src/b.ts")],
    slots: { repositoryContext: "", memories: "" },
    system: "system",
    stableContext: "",
    budget: { maxPromptTokens: 6_000, maxCalls: 6, maxOutputTokens: 1000 },
    log: silentLogger(),
  });
  expect(result.calls).toBe(2);
  expect(result.usageByModel).toEqual({ "claude-opus-4-6": usage, "claude-haiku-4-5": usage });
  expect(result.usage.inputTokens).toBe(200);
});
