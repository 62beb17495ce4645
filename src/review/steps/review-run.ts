import type { CapReached } from "../review-spend.ts";
import type { Logger } from "pino";
import type { Config } from "../../config/read-config.ts";
import type { Database } from "../../db/open-database.ts";
import type { Review } from "../../db/schema.ts";
import type { RepoConfig } from "../../repo-config/repo-config.ts";
import type { Octokit, RepoRef } from "../../github/github-types.ts";
import type { ReviewModel } from "../review-model.ts";
import type { ReviewJob } from "../../queue/jobs.ts";
import type { ContextProvider, FindingGate, MemoryProvider } from "../review-extensions.ts";
import type { PullRequest } from "./get-pull-request.ts";

/*
 * The types a review passes between its steps (see review-pull-request.ts, which re-exports the
 * first three for its callers).
 */

export type ReviewDependencies = {
  config: Config;
  db: Database;
  octokit: Octokit;
  /** Null when ANTHROPIC_API_KEY is not set: the check run then says what to set. */
  model: ReviewModel | null;
  /** The review on another allowed model, for a repository whose `.github/revue.yml` chose one. */
  modelFor?: (id: string) => ReviewModel;
  /** The App's slug (`revue` unless GitHub gave it another) and its bot login. */
  slug: string;
  /** Values that must never be posted (the App's key, webhook secret, API keys). */
  ownSecrets: string[];
  context?: ContextProvider;
  memory?: MemoryProvider;
  gate?: FindingGate;
  now?: () => Date;
};

export type ReviewAttempt = {
  jobId: string;
  retryCount: number;
  retryLimit: number;
  log: Logger;
  signal?: AbortSignal;
};

export type ReviewOutcome = {
  status: "posted" | "skipped" | "failed" | "superseded" | "duplicate";
  reason?: string;
  reviewId?: number;
};

/** What the decision is made on, read fresh by every attempt (see loadReviewInputs). */
export type ReviewInputs = {
  pr: PullRequest;
  repoConfig: RepoConfig;
  /** What was wrong with .github/revue.yml; the defaults were used instead. */
  configProblems: string[];
  /** The newest posted review of this pull request, if any. */
  previous: Review | undefined;
  /** The cost cap one more review would pass (review-spend.ts), or null. */
  capReached: CapReached | null;
  /**
   * The count of full reviews asked for by command when one is still owed, else null (see
   * src/review/full-review-requests.ts). The review row that answers it marks it answered.
   */
  fullReviewRequest: number | null;
};

/** One attempt at a review once it has its row and its open check run: what later steps share. */
export type ReviewRun = {
  deps: ReviewDependencies;
  job: ReviewJob;
  attempt: ReviewAttempt;
  repo: RepoRef;
  inputs: ReviewInputs;
  /** The pull request's head and base as this attempt read them (the row keeps the first's). */
  headSha: string;
  baseSha: string;
  model: ReviewModel;
  review: Review;
  checkRunId: number;
  /** An earlier attempt of this job started the row, so it may already have posted the review. */
  continued: boolean;
  /** When this attempt started, for the review's duration. */
  started: Date;
  now: () => Date;
};
