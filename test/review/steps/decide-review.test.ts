import { describe, expect, it } from "vitest";
import type { ReviewTrigger } from "../../../src/db/schema.ts";
import { DEFAULT_REPO_CONFIG } from "../../../src/repo-config/repo-config.ts";
import { decideReview, type DecisionFacts } from "../../../src/review/steps/decide-review.ts";

const BASE = "b".repeat(40);
const HEAD = "h".repeat(40);
const MODEL = { id: "a-model" };

function facts(overrides: {
  pr?: Partial<DecisionFacts["pr"]>;
  repoConfig?: Partial<DecisionFacts["repoConfig"]>;
  previous?: DecisionFacts["previous"];
  capReached?: DecisionFacts["capReached"];
  fullReviewOwed?: boolean;
}): DecisionFacts {
  return {
    pr: {
      state: "open",
      draft: false,
      user: { type: "User" },
      head: { sha: HEAD },
      base: { sha: BASE },
      ...overrides.pr,
    },
    repoConfig: { ...DEFAULT_REPO_CONFIG, ...overrides.repoConfig },
    previous: overrides.previous,
    capReached: overrides.capReached ?? null,
    fullReviewOwed: overrides.fullReviewOwed ?? false,
  };
}

const pushed = { trigger: "synchronize" as ReviewTrigger, mode: "incremental" as const };
const opened = { trigger: "opened" as ReviewTrigger, mode: "full" as const };
const commands: ReviewTrigger[] = ["command-full", "command-incremental"];

describe("decideReview", () => {
  it("reviews an open pull request of a person in full from its base", () => {
    expect(decideReview(facts({}), opened, MODEL)).toEqual({
      kind: "review",
      model: MODEL,
      mode: "full",
      fromSha: BASE,
      trigger: "opened",
    });
  });

  it("skips when Revue is turned off or the PR is closed, whoever asks", () => {
    for (const trigger of ["opened", ...commands] as ReviewTrigger[]) {
      const job = { trigger, mode: "full" as const };
      expect(decideReview(facts({ repoConfig: { enabled: false } }), job, MODEL)).toEqual({
        kind: "skip",
        cause: "disabled",
      });
      expect(decideReview(facts({ pr: { state: "closed" } }), job, MODEL)).toEqual({
        kind: "skip",
        cause: "closed",
      });
    }
  });

  it("skips a draft or a bot's PR unless the config or a command asks for it", () => {
    const draft = facts({ pr: { draft: true } });
    const bot = facts({ pr: { user: { type: "Bot" } } });
    expect(decideReview(draft, opened, MODEL)).toEqual({ kind: "skip", cause: "draft" });
    expect(decideReview(bot, opened, MODEL)).toEqual({ kind: "skip", cause: "bot" });
    expect(
      decideReview(
        facts({ pr: { draft: true }, repoConfig: { review_drafts: true } }),
        opened,
        MODEL,
      ).kind,
    ).toBe("review");
    expect(
      decideReview(
        facts({ pr: { user: { type: "Bot" } }, repoConfig: { review_bots: true } }),
        opened,
        MODEL,
      ).kind,
    ).toBe("review");
    for (const trigger of commands) {
      expect(decideReview(draft, { trigger, mode: "full" }, MODEL).kind).toBe("review");
      expect(decideReview(bot, { trigger, mode: "full" }, MODEL).kind).toBe("review");
    }
  });

  it("reviews a PR whose author is unknown (a deleted account)", () => {
    expect(decideReview(facts({ pr: { user: null } }), opened, MODEL).kind).toBe("review");
  });

  it("checks the causes in order: off, closed, draft, bot", () => {
    const all = { state: "closed", draft: true, user: { type: "Bot" } };
    expect(decideReview(facts({ pr: all, repoConfig: { enabled: false } }), opened, MODEL)).toEqual(
      { kind: "skip", cause: "disabled" },
    );
    expect(decideReview(facts({ pr: all }), opened, MODEL)).toEqual({
      kind: "skip",
      cause: "closed",
    });
    expect(decideReview(facts({ pr: { ...all, state: "open" } }), opened, MODEL)).toEqual({
      kind: "skip",
      cause: "draft",
    });
  });

  it("does nothing for a head already reviewed, unless a full review is owed", () => {
    const reviewed = facts({ previous: { id: 7, head_sha: HEAD } });
    expect(decideReview(reviewed, pushed, MODEL)).toEqual({
      kind: "head-already-reviewed",
      reviewId: 7,
    });
    expect(
      decideReview(reviewed, { trigger: "command-incremental", mode: "incremental" }, MODEL),
    ).toEqual({ kind: "head-already-reviewed", reviewId: 7 });
    // The job's own trigger does not force it: its request may have been answered by another job.
    expect(decideReview(reviewed, { trigger: "command-full", mode: "full" }, MODEL)).toEqual({
      kind: "head-already-reviewed",
      reviewId: 7,
    });
    // An owed full review is done in full by whichever job runs, and recorded as the command's.
    const owed = facts({ previous: { id: 7, head_sha: HEAD }, fullReviewOwed: true });
    for (const job of [
      pushed,
      opened,
      { trigger: "command-full" as const, mode: "full" as const },
    ]) {
      expect(decideReview(owed, job, MODEL)).toEqual({
        kind: "review",
        model: MODEL,
        mode: "full",
        fromSha: BASE,
        trigger: "command-full",
      });
    }
  });

  it("reviews a draft or a bot's PR when a full review is owed, as for a command", () => {
    const owed = { fullReviewOwed: true };
    expect(decideReview(facts({ pr: { draft: true }, ...owed }), pushed, MODEL).kind).toBe(
      "review",
    );
    expect(
      decideReview(facts({ pr: { user: { type: "Bot" } }, ...owed }), pushed, MODEL).kind,
    ).toBe("review");
    expect(decideReview(facts({ pr: { state: "closed" }, ...owed }), pushed, MODEL)).toEqual({
      kind: "skip",
      cause: "closed",
    });
  });

  it("skips before it looks at earlier reviews, and both before the model", () => {
    const reviewedDraft = facts({ pr: { draft: true }, previous: { id: 7, head_sha: HEAD } });
    expect(decideReview(reviewedDraft, opened, null)).toEqual({ kind: "skip", cause: "draft" });
    const reviewed = facts({ previous: { id: 7, head_sha: HEAD } });
    expect(decideReview(reviewed, pushed, null).kind).toBe("head-already-reviewed");
  });

  it("reports no model when there is none to review with", () => {
    expect(decideReview(facts({}), opened, null)).toEqual({ kind: "no-model" });
  });

  it("skips a review that would pass a cost cap, a command's included, after the other checks", () => {
    const cap = {
      scope: "repositoryDay" as const,
      unit: "usd" as const,
      limit: 1,
      spent: 0.95,
      expected: 0.1,
      resetsAt: new Date("2026-12-04T00:00:00Z"),
    };
    const command = { trigger: "command-full" as const, mode: "full" as const };
    expect(decideReview(facts({ capReached: cap }), opened, MODEL)).toEqual({
      kind: "over-cap",
      cap,
    });
    expect(decideReview(facts({ capReached: cap }), command, MODEL)).toEqual({
      kind: "over-cap",
      cap,
    });
    // Closed, already reviewed or without a model: that is what the check run says instead.
    expect(
      decideReview(facts({ capReached: cap, pr: { state: "closed" } }), opened, MODEL),
    ).toMatchObject({ kind: "skip" });
    expect(decideReview(facts({ capReached: cap }), opened, null)).toEqual({ kind: "no-model" });
  });

  it("reviews incrementally from the last reviewed head, or in full when there is none", () => {
    const older = "o".repeat(40);
    expect(decideReview(facts({ previous: { id: 3, head_sha: older } }), pushed, MODEL)).toEqual({
      kind: "review",
      model: MODEL,
      mode: "incremental",
      fromSha: older,
      trigger: "synchronize",
    });
    expect(decideReview(facts({}), pushed, MODEL)).toEqual({
      kind: "review",
      model: MODEL,
      mode: "full",
      fromSha: BASE,
      trigger: "synchronize",
    });
    // A full review asked for is full, whatever came before.
    expect(decideReview(facts({ previous: { id: 3, head_sha: older } }), opened, MODEL)).toEqual({
      kind: "review",
      model: MODEL,
      mode: "full",
      fromSha: BASE,
      trigger: "opened",
    });
    // So is an owed one, even in a job a push queued.
    expect(
      decideReview(
        facts({ previous: { id: 3, head_sha: older }, fullReviewOwed: true }),
        pushed,
        MODEL,
      ),
    ).toEqual({
      kind: "review",
      model: MODEL,
      mode: "full",
      fromSha: BASE,
      trigger: "command-full",
    });
  });
});
