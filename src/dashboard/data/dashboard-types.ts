import type { ReviewReport } from "../../review/review-report.ts";

/*
 * The shapes the dashboard's data functions return. They are the JSON API's answers as they are:
 * plain objects of numbers, strings, booleans, arrays and null; every timestamp an ISO 8601
 * string, every day a `YYYY-MM-DD` string in UTC, every amount of money in US dollars.
 */

/** What the signed-in user may see, as GitHub says: rows must match both lists. */
export type DashboardScope = { installationIds: number[]; repositoryIds: number[] };

/** A half-open range `[from, to)` of `reviews.created_at`. */
export type DateRange = { from: Date; to: Date };

export type Severity = "critical" | "major" | "minor" | "nit";
export const SEVERITIES: readonly Severity[] = ["critical", "major", "minor", "nit"];

export type RepositoryRef = { id: number; installationId: number; fullName: string };

export type DayFigures = {
  day: string;
  reviews: number;
  posted: number;
  failed: number;
  /** Input, output, cache-read and cache-write tokens together. */
  tokens: number;
  costUsd: number;
};

export type RepositoryFigures = RepositoryRef & {
  reviews: number;
  failed: number;
  tokens: number;
  costUsd: number;
};

export type HistogramBin = {
  /** Inclusive lower bound, in milliseconds. */
  fromMs: number;
  /** Exclusive upper bound; null for the last, open bin. */
  toMs: number | null;
  count: number;
};

export type QueueFigures = { name: string; queued: number; active: number; deadLettered: number };

export type Overview = {
  range: { from: string; to: string };
  /** Every repository in scope Revue knows, reviewed in the range or not. */
  repositories: RepositoryRef[];
  totals: { reviews: number; posted: number; failed: number; tokens: number; costUsd: number };
  /** One entry per UTC day of the range, zero-filled. */
  perDay: DayFigures[];
  /** Repositories with reviews in the range, by cost, highest first. */
  perRepository: RepositoryFigures[];
  /** Findings of the range's reviews; every severity present, zero or not. */
  findingsBySeverity: { severity: Severity; count: number }[];
  findings: {
    total: number;
    addressed: number;
    dismissed: number;
    /** addressed / total, null when there are no findings. */
    addressedShare: number | null;
    dismissedShare: number | null;
  };
  timeToReview: {
    /** How it is measured (shown on the page). */
    measure: string;
    /** Posted reviews with a duration. */
    count: number;
    /**
     * Continuous percentiles (PostgreSQL `percentile_cont`), null without reviews: exact for a
     * range of up to 31 days; beyond, interpolated in review_daily_rollup's duration buckets, so
     * off by at most the width of the bucket they fall in (10 to 25% up to 30 minutes).
     */
    medianMs: number | null;
    p95Ms: number | null;
    /** Whether medianMs and p95Ms come from the buckets (a range over 31 days). */
    approximate: boolean;
    histogram: HistogramBin[];
  };
  /** pg-boss's jobs as they stand now, per queue; null when the route gave no queue schema. */
  queue: QueueFigures[] | null;
};

export type IndexStatus = {
  commitSha: string | null;
  files: number;
  chunks: number;
  /** Files the last index run skipped, by reason. */
  skipped: { reason: string; files: number }[];
  embeddingModel: string;
  indexedAt: string;
};

export type MemoryRow = {
  id: number;
  /** `repository`: taught for this repository; `installation`: applies to all its repositories. */
  appliesTo: "repository" | "installation";
  /** Whether the dashboard may delete it (only repository memories; see deleteMemory). */
  deletable: boolean;
  kind: string;
  source: string;
  statement: string;
  taughtBy: string;
  sourceUrl: string | null;
  author: string | null;
  pathGlob: string | null;
  uses: number;
  lastUsedAt: string | null;
  createdAt: string;
};

export type SuppressedRow = {
  reviewId: number;
  pullNumber: number;
  at: string;
  title: string;
  path: string;
  severity: string;
  category: string;
  similarity: number;
  likeFindingId: number | null;
};

export type RecentReview = {
  id: number;
  pullNumber: number;
  status: string;
  createdAt: string;
  findingsPosted: number;
  costUsd: number;
};

export type RepositoryDetail = {
  repository: RepositoryRef & { defaultBranch: string | null; private: boolean };
  /** Null when the repository was never indexed. */
  index: IndexStatus | null;
  /** The `.github/revue.yml` the newest recorded review ran with; null before any was recorded. */
  config: {
    reviewId: number;
    recordedAt: string;
    values: ReviewReport["config"];
    problems: string[];
  } | null;
  memories: MemoryRow[];
  /** Findings the memory gate suppressed in the newest reviews (at most 100), newest first. */
  suppressed: SuppressedRow[];
  recentReviews: RecentReview[];
};

export type ReviewFinding = {
  id: number;
  severity: string;
  category: string;
  title: string;
  body: string;
  path: string;
  side: "LEFT" | "RIGHT";
  startLine: number | null;
  line: number | null;
  /** `inline`: a review comment on the line; `summary`: listed in the summary comment. */
  postedAs: "inline" | "summary";
  commentUrl: string | null;
  status: string;
  addressedAt: string | null;
  thumbsUp: number;
  thumbsDown: number;
  rebutted: boolean;
};

export type ReviewDetail = {
  review: {
    id: number;
    repository: RepositoryRef;
    pullNumber: number;
    pullRequestUrl: string;
    trigger: string;
    mode: string;
    status: string;
    statusReason: string | null;
    baseSha: string;
    headSha: string;
    fromSha: string;
    filesTotal: number;
    filesReviewed: number;
    findingsPosted: number;
  };
  usage: {
    model: string | null;
    modelCalls: number;
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
    costUsd: number;
  };
  timings: {
    /** When Revue received the webhook that asked for the review; null when not recorded. */
    receivedAt: string | null;
    /** When the review job started and wrote the row. */
    createdAt: string;
    finishedAt: string | null;
    /** From the job starting to the review recorded (`reviews.duration_ms`). */
    durationMs: number | null;
    /** From the webhook received to the review finished, when both are known. */
    pushToReviewMs: number | null;
  };
  findings: ReviewFinding[];
  /** What the pipeline recorded beyond the findings; null for reviews before it was recorded. */
  report: ReviewReport | null;
};

export type PageContext = { csrfToken: string; basePath: string; userLogin: string };
