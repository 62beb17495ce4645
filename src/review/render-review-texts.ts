import type { CapReached } from "./review-spend.ts";
import type { ModelFailureKind } from "../model/model-errors.ts";
import type { ReviewMode } from "../db/schema.ts";
import type { CheckOutcome } from "./check-run.ts";
import { renderSummary, type SummaryInput } from "./render-summary.ts";

/*
 * Every word a review shows on GitHub besides the summary's body (render-summary.ts) and the inline
 * comments (render-comment.ts): the check run's progress lines, titles and summaries, the review's
 * body, the notes above the summary, and the reasons a pull request is not reviewed. They live in
 * one file, unlike the one-function-per-file rule elsewhere, so the wording can be read and changed
 * in one place. Every function here is pure.
 */

/** Why a pull request is not reviewed now; see renderSkipReason for what the author reads. */
export type SkipCause = "disabled" | "closed" | "draft" | "bot";

/** The sentence shown (and logged, and stored) when a pull request is not reviewed. */
export function renderSkipReason(cause: SkipCause): string {
  switch (cause) {
    case "disabled":
      return "Revue is turned off for this repository (`enabled: false` in .github/revue.yml).";
    case "closed":
      return "The pull request is closed.";
    case "draft":
      return "The pull request is a draft. Revue reviews it when it is marked ready (or set `review_drafts: true`, or comment a review command).";
    case "bot":
      return "The pull request was opened by a bot (set `review_bots: true` in .github/revue.yml to review those).";
  }
}

/** What the open check run says Revue is doing. */
export type Progress =
  | { stage: "deciding" }
  | { stage: "reading" }
  | { stage: "reviewing"; files: number }
  /** `attempt` counts from 1, `attempts` is the most there will be. */
  | { stage: "retrying"; attempt: number; attempts: number };

export function renderProgress(progress: Progress): string {
  switch (progress.stage) {
    case "deciding":
      return "Revue is deciding whether to review";
    case "reading":
      return "Revue is reading the changes";
    case "reviewing":
      return `Revue is reviewing ${progress.files} file${progress.files === 1 ? "" : "s"}`;
    case "retrying":
      return `Revue hit an error and will retry (attempt ${progress.attempt} of ${progress.attempts})`;
  }
}

/** The check run of a pull request that is not reviewed now (a SkipCause's sentence), neutral. */
export function renderSkippedCheckRun(reason: string, configProblems: string[]): CheckOutcome {
  return {
    kind: "skipped",
    title: `Not reviewed: ${reason.split(".")[0]}`,
    summary: [reason, ...configProblems.map((p) => `- .github/revue.yml: ${p}`)].join("\n"),
  };
}

/** Why a review found nothing to show the model: `changedFiles` is how many files it looked at. */
export function renderNothingToReviewReason(changedFiles: number, mode: ReviewMode): string {
  if (changedFiles > 0)
    return `No reviewable changes: ${changedFiles} changed file(s), all skipped.`;
  return mode === "incremental"
    ? "No file of this pull request changed since the last review."
    : "This pull request changes no files.";
}

/** The check run of a review with nothing to review, naming (up to 100) skipped files. */
export function renderNothingToReviewCheckRun(
  reason: string,
  skipped: { path: string; reason: string }[],
  configProblems: string[],
): CheckOutcome {
  return {
    kind: "skipped",
    title: `Not reviewed: ${reason.split(":")[0]}`,
    summary: [
      reason,
      ...skipped.slice(0, 100).map((s) => `- \`${s.path}\`: ${s.reason}`),
      ...configProblems.map((p) => `- .github/revue.yml: ${p}`),
    ].join("\n"),
  };
}

/** The failed check run when Revue has no model: what to set, and how to ask again. */
export function renderNoModelCheckRun(slug: string): CheckOutcome {
  return {
    kind: "failed",
    title: "Not reviewed: no Anthropic API key",
    summary:
      "Revue has no model to review with. Set `ANTHROPIC_API_KEY` in Revue's environment (and restart it), then comment `@" +
      `${slug} re-review\` on this pull request.`,
  };
}

const CAP_VARIABLES = {
  repositoryDay: {
    usd: "REVUE_COST_CAP_REPOSITORY_DAY_USD",
    tokens: "REVUE_TOKEN_CAP_REPOSITORY_DAY",
  },
  installationMonth: {
    usd: "REVUE_COST_CAP_INSTALLATION_MONTH_USD",
    tokens: "REVUE_TOKEN_CAP_INSTALLATION_MONTH",
  },
} as const;

/**
 * The check run of a review skipped because it would pass an operator's cost cap: neutral, saying
 * which cap, what is spent, what a review here costs, and when reviews resume.
 */
export function renderCapReachedCheckRun(cap: CapReached, slug: string): CheckOutcome {
  const amount = (value: number) =>
    cap.unit === "usd"
      ? `$${value.toFixed(2)}`
      : `${Math.round(value).toLocaleString("en-US")} tokens`;
  const whose = cap.scope === "repositoryDay" ? "This repository" : "This installation";
  const period = cap.scope === "repositoryDay" ? "today (UTC)" : "this month (UTC)";
  const capName = cap.scope === "repositoryDay" ? "daily" : "monthly";
  return {
    kind: "skipped",
    title: `Not reviewed: the ${capName} ${cap.unit === "usd" ? "cost" : "token"} cap is reached`,
    summary: [
      `${whose} has used ${amount(cap.spent)} of its ${amount(cap.limit)} ${period} ` +
        `(\`${CAP_VARIABLES[cap.scope][cap.unit]}\`), and a review here uses about ` +
        `${amount(cap.expected)}.`,
      `Reviews resume at ${cap.resetsAt.toISOString().replace(".000Z", "Z")}, or sooner if ` +
        `Revue's operator raises the cap; then comment \`@${slug} review\` to review this pull request.`,
    ].join("\n\n"),
  };
}

/** The check run of a review that a newer push made pointless, naming the newer head. */
export function renderSupersededCheckRun(newerHeadSha: string): CheckOutcome {
  const newer = newerHeadSha.slice(0, 7);
  return {
    kind: "skipped",
    title: `Superseded by a newer push (${newer})`,
    summary: `A newer commit (${newer}) was pushed while this one was reviewed, so nothing was posted for this one; Revue reviews the newest.`,
  };
}

/**
 * The check run a retried review started on a commit that another review covered while it waited:
 * neutral, pointing at that review.
 */
export function renderAlreadyReviewedCheckRun(headSha: string): CheckOutcome {
  const head = headSha.slice(0, 7);
  return {
    kind: "skipped",
    title: `Not reviewed again: ${head} already has a review`,
    summary: `Another review of ${head} was posted while this one waited to retry; see that review and its summary comment.`,
  };
}

/**
 * The note above the summary, and the check run's first line, when a newer head arrived while the
 * review of `headSha` was being posted: the review stays, but it is of an older head.
 */
export function renderSupersededNote(headSha: string, newerHeadSha: string): string {
  return `This review is of \`${headSha.slice(0, 7)}\`, an older head: a newer push (\`${newerHeadSha.slice(0, 7)}\`) arrived while it was posted. Revue reviews the newest next.`;
}

/**
 * Why a started review failed for good: the model API refused the request, the model declined,
 * its answer could not be read, the prompt was too large, GitHub refused a request, or errors
 * that are usually temporary outlasted the retries (`exhausted`).
 */
export type FailureKind = ModelFailureKind | "github-refused" | "exhausted";

const FAILURE_TITLES: Record<FailureKind, string> = {
  rejected: "Not reviewed: the model API refused the request",
  refused: "Not reviewed: the model refused the request",
  "invalid-output": "Not reviewed: the model's answer could not be read",
  "too-large": "Not reviewed: the change is too large for the model's context window",
  "github-refused": "Not reviewed: GitHub refused a request",
  exhausted: "Not reviewed: Revue failed after several attempts",
};

/**
 * The failed check run of a review that will not be retried: a title that names the cause, the
 * error, and how to try again. Only `exhausted` says the cause is usually temporary.
 */
export function renderFailedCheckRun(
  failure: { kind: FailureKind; message: string },
  slug: string,
): CheckOutcome {
  const retry = `Comment \`@${slug} re-review\` on the pull request to try again.`;
  if (failure.kind !== "exhausted") {
    return {
      kind: "failed",
      title: FAILURE_TITLES[failure.kind],
      summary: `${failure.message}\n\n${retry}`,
    };
  }
  return {
    kind: "failed",
    title: FAILURE_TITLES.exhausted,
    summary: `The last error: ${failure.message}\n\nThis is usually temporary (the model or GitHub was unavailable). ${retry} If it keeps failing, check Revue's logs.`,
  };
}

/**
 * The check run of a review whose worker stopped (crashed or was killed) on its last attempt, so
 * nothing will finish it (close-orphan-reviews.ts): failed, saying how to ask again.
 */
export function renderOrphanCheckRun(slug: string): CheckOutcome {
  return {
    kind: "failed",
    title: "Not reviewed: Revue stopped before finishing",
    summary:
      "The worker reviewing this pull request stopped (it crashed or was killed) on its last " +
      `attempt, so the review was never finished. Comment \`@${slug} re-review\` on the pull ` +
      "request to try again. If this keeps happening, check Revue's logs.",
  };
}

/**
 * The check run of a review that is on the pull request but could not be recorded: neutral, never
 * failed, since the review is there. Says what may follow (the next push may repeat comments).
 */
export function renderUnrecordedCheckRun(message: string): CheckOutcome {
  return {
    kind: "skipped",
    title: "Review posted; Revue could not record it",
    summary:
      `The review is on the pull request, but Revue could not store it: ${message}\n\n` +
      "The next review of this pull request may repeat some of its comments. If this keeps happening, check Revue's logs.",
  };
}

export type ReviewedFacts = {
  mode: ReviewMode;
  fromSha: string;
  headSha: string;
  filesTotal: number;
  filesReviewed: number;
  filesSkipped: number;
  inlineCount: number;
  /** Findings listed in the summary: not placed inline, or folded. */
  summaryCount: number;
  carriedForward: number;
  model: string;
  calls: number;
  usage: {
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
  };
  costUsd: number;
  durationMs: number;
  configProblems: string[];
};

/**
 * The check run of a posted review: counts, tokens, cost and duration. A success, unless a newer
 * head arrived while it was posted (`supersededBy`): then neutral, its title naming the newer head
 * and its summary saying the review is of an older one.
 */
export function renderReviewedCheckRun(
  facts: ReviewedFacts,
  supersededBy: string | null = null,
): CheckOutcome {
  const { usage } = facts;
  const scope =
    facts.mode === "incremental" ? "the commits since the last review" : "the whole pull request";
  const comments = `${facts.inlineCount} comment${facts.inlineCount === 1 ? "" : "s"}`;
  return {
    kind: supersededBy === null ? "reviewed" : "skipped",
    title:
      supersededBy === null
        ? `Reviewed ${facts.filesReviewed} of ${facts.filesTotal} files: ${comments}`
        : `Superseded by a newer push (${supersededBy.slice(0, 7)}): reviewed ${facts.headSha.slice(0, 7)}, ${comments}`,
    summary: [
      ...(supersededBy === null ? [] : [renderSupersededNote(facts.headSha, supersededBy), ""]),
      `Reviewed ${scope} (${shaRange(facts.fromSha, facts.headSha)}).`,
      `- Inline comments: ${facts.inlineCount}; in the summary: ${facts.summaryCount}; still open from earlier: ${facts.carriedForward}`,
      `- Files: ${facts.filesReviewed} reviewed, ${facts.filesSkipped} skipped`,
      `- Model: ${facts.model}, ${facts.calls} call(s), ${usage.inputTokens} input / ${usage.outputTokens} output tokens (cache: ${usage.cacheReadTokens} read, ${usage.cacheWriteTokens} written), about $${facts.costUsd.toFixed(4)}`,
      `- Duration: ${(facts.durationMs / 1000).toFixed(1)} s`,
      ...(facts.configProblems.length > 0
        ? [`- .github/revue.yml problems (defaults used): ${facts.configProblems.join("; ")}`]
        : []),
    ].join("\n"),
  };
}

/** Marker in the body of the review a job posts: a retried attempt finds its review by it. */
export function renderReviewMarker(reviewId: number): string {
  return `<!-- revue:review:${reviewId} -->`;
}

/** The body of the posted review (its inline comments carry the findings), ending in `marker`. */
export function renderReviewBody(
  commentCount: number,
  fromSha: string,
  headSha: string,
  marker: string,
): string {
  return `**Revue** left ${commentCount} comment${commentCount === 1 ? "" : "s"} on ${shaRange(fromSha, headSha)}. The summary comment has the rest.\n\n${marker}`;
}

/** Why a finding is in the summary instead of inline, shown next to it. */
export const NOT_INLINE_NOTE = {
  overBudget: "over the inline comment limit",
  unanchored: "no line in the diff to attach it to",
  rejected: "GitHub refused the inline comment",
} as const;

/** The note above the summary when an incremental review became a full one, and why. */
export function renderFallbackNote(reason: string): string {
  return `Full review: ${reason}.`;
}

/**
 * The summary comment: the notes, if any, above the summary: that a newer head arrived while this
 * review was posted (`supersededBy`, see renderSupersededNote), the fallback note, config problems.
 */
export function renderSummaryComment(
  notes: { fallbackNote: string | null; configProblems: string[]; supersededBy?: string | null },
  summary: SummaryInput,
): string {
  return [
    notes.supersededBy ? `> ${renderSupersededNote(summary.headSha, notes.supersededBy)}\n` : "",
    notes.fallbackNote ? `> ${notes.fallbackNote}\n` : "",
    notes.configProblems.length > 0
      ? `> **.github/revue.yml problems** (defaults used): ${notes.configProblems.join("; ")}\n`
      : "",
    renderSummary(summary),
  ].join("");
}

function shaRange(fromSha: string, headSha: string): string {
  return `\`${fromSha.slice(0, 7)}..${headSha.slice(0, 7)}\``;
}
