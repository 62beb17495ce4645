import { describe, expect, it } from "vitest";
import {
  NOT_INLINE_NOTE,
  renderAlreadyReviewedCheckRun,
  renderFailedCheckRun,
  renderFallbackNote,
  renderNoModelCheckRun,
  renderNothingToReviewCheckRun,
  renderNothingToReviewReason,
  renderProgress,
  renderReviewBody,
  renderReviewedCheckRun,
  renderReviewMarker,
  renderSkippedCheckRun,
  renderSkipReason,
  renderSummaryComment,
  renderSupersededCheckRun,
  renderSupersededNote,
  type ReviewedFacts,
} from "../../src/review/render-review-texts.ts";
import { renderSummary, type SummaryInput } from "../../src/review/render-summary.ts";

const FROM = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

describe("renderSkipReason", () => {
  it("says why, and what to change, for each cause", () => {
    expect(renderSkipReason("disabled")).toBe(
      "Revue is turned off for this repository (`enabled: false` in .github/revue.yml).",
    );
    expect(renderSkipReason("closed")).toBe("The pull request is closed.");
    expect(renderSkipReason("draft")).toBe(
      "The pull request is a draft. Revue reviews it when it is marked ready (or set `review_drafts: true`, or comment a review command).",
    );
    expect(renderSkipReason("bot")).toBe(
      "The pull request was opened by a bot (set `review_bots: true` in .github/revue.yml to review those).",
    );
  });
});

describe("renderProgress", () => {
  it("says what Revue is doing, with the right plural", () => {
    expect(renderProgress({ stage: "deciding" })).toBe("Revue is deciding whether to review");
    expect(renderProgress({ stage: "reading" })).toBe("Revue is reading the changes");
    expect(renderProgress({ stage: "reviewing", files: 1 })).toBe("Revue is reviewing 1 file");
    expect(renderProgress({ stage: "reviewing", files: 3 })).toBe("Revue is reviewing 3 files");
    expect(renderProgress({ stage: "retrying", attempt: 2, attempts: 4 })).toBe(
      "Revue hit an error and will retry (attempt 2 of 4)",
    );
  });
});

describe("the check run of a pull request not reviewed", () => {
  it("titles a skip with its first sentence and lists config problems", () => {
    expect(
      renderSkippedCheckRun(renderSkipReason("draft"), ["tone: invalid (default used)"]),
    ).toEqual({
      kind: "skipped",
      title: "Not reviewed: The pull request is a draft",
      summary: [
        "The pull request is a draft. Revue reviews it when it is marked ready (or set `review_drafts: true`, or comment a review command).",
        "- .github/revue.yml: tone: invalid (default used)",
      ].join("\n"),
    });
    // The title is cut at the first dot, even one inside a file name: this pins today's title.
    expect(renderSkippedCheckRun(renderSkipReason("disabled"), []).title).toBe(
      "Not reviewed: Revue is turned off for this repository (`enabled: false` in ",
    );
  });

  it("says why there is nothing to review", () => {
    expect(renderNothingToReviewReason(0, "full")).toBe("This pull request changes no files.");
    expect(renderNothingToReviewReason(0, "incremental")).toBe(
      "No file of this pull request changed since the last review.",
    );
    expect(renderNothingToReviewReason(2, "full")).toBe(
      "No reviewable changes: 2 changed file(s), all skipped.",
    );
    expect(renderNothingToReviewReason(2, "incremental")).toBe(
      "No reviewable changes: 2 changed file(s), all skipped.",
    );
  });

  it("titles nothing to review up to its colon and lists at most 100 skipped files", () => {
    const skipped = Array.from({ length: 101 }, (_, i) => ({
      path: `vendor/f${i}.js`,
      reason: "vendored",
    }));
    const outcome = renderNothingToReviewCheckRun(
      "No reviewable changes: 101 changed file(s), all skipped.",
      skipped,
      ["unknown setting colour (ignored)"],
    );
    expect(outcome.kind).toBe("skipped");
    expect(outcome.title).toBe("Not reviewed: No reviewable changes");
    const lines = outcome.summary.split("\n");
    expect(lines[0]).toBe("No reviewable changes: 101 changed file(s), all skipped.");
    expect(lines[1]).toBe("- `vendor/f0.js`: vendored");
    expect(lines[100]).toBe("- `vendor/f99.js`: vendored");
    expect(lines[101]).toBe("- .github/revue.yml: unknown setting colour (ignored)");
    expect(lines).toHaveLength(102);
    expect(renderNothingToReviewCheckRun("This pull request changes no files.", [], [])).toEqual({
      kind: "skipped",
      title: "Not reviewed: This pull request changes no files.",
      summary: "This pull request changes no files.",
    });
  });

  it("says what to set when there is no model", () => {
    expect(renderNoModelCheckRun("revue-dev")).toEqual({
      kind: "failed",
      title: "Not reviewed: no Anthropic API key",
      summary:
        "Revue has no model to review with. Set `ANTHROPIC_API_KEY` in Revue's environment (and restart it), then comment `@revue-dev re-review` on this pull request.",
    });
  });

  it("names the newer commit of a superseded review, in its title too", () => {
    expect(renderSupersededCheckRun("9".repeat(40))).toEqual({
      kind: "skipped",
      title: "Superseded by a newer push (9999999)",
      summary:
        "A newer commit (9999999) was pushed while this one was reviewed, so nothing was posted for this one; Revue reviews the newest.",
    });
  });

  it("points a retried review whose commit another review covered at that review", () => {
    expect(renderAlreadyReviewedCheckRun(HEAD)).toEqual({
      kind: "skipped",
      title: "Not reviewed again: ec26c3e already has a review",
      summary:
        "Another review of ec26c3e was posted while this one waited to retry; see that review and its summary comment.",
    });
  });

  it("says a posted review is of an older head when a newer one arrived while it was posted", () => {
    expect(renderSupersededNote(HEAD, "9".repeat(40))).toBe(
      "This review is of `ec26c3e`, an older head: a newer push (`9999999`) arrived while it was posted. Revue reviews the newest next.",
    );
  });

  it("tells a refusal from a failure after the retries, and how to try again", () => {
    expect(renderFailedCheckRun({ kind: "refused", message: "prompt too long" }, "revue")).toEqual({
      kind: "failed",
      title: "Not reviewed: the model refused the request",
      summary: "prompt too long\n\nComment `@revue re-review` on the pull request to try again.",
    });
    expect(renderFailedCheckRun({ kind: "exhausted", message: "Overloaded" }, "revue")).toEqual({
      kind: "failed",
      title: "Not reviewed: Revue failed after several attempts",
      summary:
        "The last error: Overloaded\n\nThis is usually temporary (the model or GitHub was unavailable). Comment `@revue re-review` on the pull request to try again. If it keeps failing, check Revue's logs.",
    });
  });
});

it("names an unreadable answer, an API refusal, a too-large prompt and GitHub's refusal as such", () => {
  const title = (kind: Parameters<typeof renderFailedCheckRun>[0]["kind"]) =>
    renderFailedCheckRun({ kind, message: "m" }, "revue").title;
  expect(title("invalid-output")).toBe("Not reviewed: the model's answer could not be read");
  expect(title("rejected")).toBe("Not reviewed: the model API refused the request");
  expect(title("too-large")).toBe(
    "Not reviewed: the change is too large for the model's context window",
  );
  expect(title("github-refused")).toBe("Not reviewed: GitHub refused a request");
});

describe("renderReviewedCheckRun", () => {
  const facts: ReviewedFacts = {
    mode: "full",
    fromSha: FROM,
    headSha: HEAD,
    filesTotal: 4,
    filesReviewed: 2,
    filesSkipped: 2,
    inlineCount: 1,
    summaryCount: 1,
    carriedForward: 0,
    model: "claude-sonnet-4-5",
    calls: 1,
    usage: { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 0, cacheWriteTokens: 800 },
    costUsd: 0.00612,
    durationMs: 12_345,
    configProblems: [],
  };

  it("gives counts, tokens, cost and duration", () => {
    expect(renderReviewedCheckRun(facts)).toEqual({
      kind: "reviewed",
      title: "Reviewed 2 of 4 files: 1 comment",
      summary: [
        "Reviewed the whole pull request (`f95f852..ec26c3e`).",
        "- Inline comments: 1; in the summary: 1; still open from earlier: 0",
        "- Files: 2 reviewed, 2 skipped",
        "- Model: claude-sonnet-4-5, 1 call(s), 1000 input / 200 output tokens (cache: 0 read, 800 written), about $0.0061",
        "- Duration: 12.3 s",
      ].join("\n"),
    });
  });

  it("says an incremental review covered the new commits, and lists config problems", () => {
    const outcome = renderReviewedCheckRun({
      ...facts,
      mode: "incremental",
      inlineCount: 0,
      configProblems: ["a", "b"],
    });
    expect(outcome.title).toBe("Reviewed 2 of 4 files: 0 comments");
    const lines = outcome.summary.split("\n");
    expect(lines[0]).toBe("Reviewed the commits since the last review (`f95f852..ec26c3e`).");
    expect(lines.at(-1)).toBe("- .github/revue.yml problems (defaults used): a; b");
  });

  it("is neutral, naming the newer head first, when a newer push arrived while it was posted", () => {
    const newer = "9".repeat(40);
    const outcome = renderReviewedCheckRun(facts, newer);
    expect(outcome.kind).toBe("skipped");
    expect(outcome.title).toBe("Superseded by a newer push (9999999): reviewed ec26c3e, 1 comment");
    const lines = outcome.summary.split("\n");
    expect(lines[0]).toBe(renderSupersededNote(HEAD, newer));
    expect(lines.slice(2)).toEqual(renderReviewedCheckRun(facts).summary.split("\n"));
  });
});

describe("the review body and the summary comment", () => {
  it("ends the review body with the marker a retry looks for", () => {
    expect(renderReviewMarker(42)).toBe("<!-- revue:review:42 -->");
    expect(renderReviewBody(1, FROM, HEAD, renderReviewMarker(42))).toBe(
      "**Revue** left 1 comment on `f95f852..ec26c3e`. The summary comment has the rest.\n\n<!-- revue:review:42 -->",
    );
    expect(renderReviewBody(2, FROM, HEAD, "<!-- m -->")).toBe(
      "**Revue** left 2 comments on `f95f852..ec26c3e`. The summary comment has the rest.\n\n<!-- m -->",
    );
  });

  it("notes why a finding is not inline", () => {
    expect(NOT_INLINE_NOTE).toEqual({
      overBudget: "over the inline comment limit",
      unanchored: "no line in the diff to attach it to",
      rejected: "GitHub refused the inline comment",
    });
  });

  it("puts the fallback note and config problems above the summary", () => {
    const summary: SummaryInput = {
      review: null,
      mode: "full",
      fromSha: FROM,
      headSha: HEAD,
      filesTotal: 1,
      filesReviewed: 1,
      skipped: [],
      inlineCount: 0,
      carriedForward: 0,
      notInline: [],
      folded: [],
      contextFiles: [],
      suppressedByMemory: 0,
      usage: { model: "m", inputTokens: 1, outputTokens: 1, costUsd: 0, calls: 1 },
      slug: "revue",
    };
    const note = renderFallbackNote(
      "the last reviewed commit abc1234 no longer exists (force-push)",
    );
    expect(note).toBe(
      "Full review: the last reviewed commit abc1234 no longer exists (force-push).",
    );
    expect(renderSummaryComment({ fallbackNote: note, configProblems: ["x", "y"] }, summary)).toBe(
      `> ${note}\n> **.github/revue.yml problems** (defaults used): x; y\n${renderSummary(summary)}`,
    );
    expect(renderSummaryComment({ fallbackNote: null, configProblems: [] }, summary)).toBe(
      renderSummary(summary),
    );
    const newer = "9".repeat(40);
    expect(
      renderSummaryComment(
        { fallbackNote: note, configProblems: [], supersededBy: newer },
        summary,
      ),
    ).toBe(
      `> ${renderSupersededNote(summary.headSha, newer)}\n> ${note}\n${renderSummary(summary)}`,
    );
  });
});
