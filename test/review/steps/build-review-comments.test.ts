import { describe, expect, it } from "vitest";
import { fingerprintFinding } from "../../../src/review/fingerprint.ts";
import { renderInlineComment } from "../../../src/review/render-comment.ts";
import { buildReviewComments } from "../../../src/review/steps/build-review-comments.ts";
import { INJECTION_FINDING } from "../../helpers/fixtures.ts";

const placed = {
  ...INJECTION_FINDING,
  suggestionAllowed: true,
  fingerprint: fingerprintFinding(INJECTION_FINDING),
};

describe("buildReviewComments", () => {
  it("puts a one-line finding on its side and line, with the rendered body and its marker", () => {
    const [comment, ...rest] = buildReviewComments([placed], []);
    expect(rest).toEqual([]);
    expect(comment).toEqual({
      finding: placed,
      path: "src/app.js",
      side: "RIGHT",
      line: 6,
      body: renderInlineComment(placed, placed.fingerprint),
    });
    expect(comment!.body).toContain("```suggestion\n");
    expect(comment!.body.endsWith(`<!-- revue:finding:${placed.fingerprint} -->`)).toBe(true);
    expect(comment).not.toHaveProperty("start_line");
  });

  it("starts a range on the same side as its last line", () => {
    const range = { ...placed, side: "LEFT" as const, startLine: 3, line: 5 };
    const [comment] = buildReviewComments([range], []);
    expect(comment).toMatchObject({ side: "LEFT", start_line: 3, start_side: "LEFT", line: 5 });
  });

  it("redacts Revue's own secrets from what it posts", () => {
    // A webhook secret has no recognisable shape: only the own-secret list can catch it.
    const secret = "correct-horse-battery-staple-webhook";
    const leaky = { ...placed, explanation: `The key ${secret} is in the code.` };
    const [comment] = buildReviewComments([leaky], [secret]);
    expect(comment!.body).not.toContain(secret);
    expect(comment!.body).toContain("[redacted credential]");
  });

  it("keeps the findings' order", () => {
    const second = { ...placed, title: "Second", line: 2 };
    expect(buildReviewComments([second, placed], []).map((c) => c.line)).toEqual([2, 6]);
  });
});
