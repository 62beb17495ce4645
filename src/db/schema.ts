import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

/** A timestamp the database fills in; readable as a Date, writable as Date or ISO string. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface InstallationTable {
  /** GitHub's installation id. */
  id: number;
  account_login: string;
  account_type: string;
  suspended_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface RepositoryTable {
  /** GitHub's repository id. */
  id: number;
  installation_id: number;
  full_name: string;
  default_branch: string | null;
  private: boolean;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/** One row per webhook delivery that caused work: a redelivery of the same id is ignored. */
export interface WebhookDeliveryTable {
  delivery_id: string;
  event: string;
  received_at: CreatedAt;
}

export type ReviewTrigger =
  | "opened"
  | "reopened"
  | "synchronize"
  | "ready_for_review"
  | "command-full"
  | "command-incremental";
export type ReviewMode = "full" | "incremental";
export type ReviewStatus = "running" | "posted" | "skipped" | "failed" | "superseded";

export interface ReviewTable {
  id: Generated<number>;
  installation_id: number;
  repository_id: number;
  pull_number: number;
  base_sha: string;
  head_sha: string;
  /** The commit the diff starts from: the base for a full review, the last reviewed head for an incremental one. */
  from_sha: string;
  trigger: ReviewTrigger;
  mode: ReviewMode;
  status: ReviewStatus;
  status_reason: string | null;
  delivery_id: string | null;
  job_id: string | null;
  check_run_id: number | null;
  github_review_id: number | null;
  files_total: Generated<number>;
  files_reviewed: Generated<number>;
  findings_posted: Generated<number>;
  model: string | null;
  model_calls: Generated<number>;
  input_tokens: Generated<number>;
  output_tokens: Generated<number>;
  cache_read_tokens: Generated<number>;
  cache_write_tokens: Generated<number>;
  cost_usd: Generated<number>;
  created_at: CreatedAt;
  started_at: CreatedAt;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  /**
   * The model's answer (migration 1000), stored when it arrives so that a retried attempt reuses it
   * rather than paying again and posting something else (see src/review/steps/ask-model.ts).
   */
  model_output: Json | null;
  /**
   * What a posted review did beyond its posted findings (migration 20261214T1000): config and its
   * problems, context used, findings suppressed, folded or listed in the summary and why. The
   * shape is ReviewReport (src/review/review-report.ts); null before it was recorded.
   */
  report: Json | null;
}

export type FindingSeverity = "critical" | "major" | "minor" | "nit";
/** A JSON value as PostgreSQL stores it in a jsonb column. */
export type Json = ColumnType<unknown, string | null, string | null>;

export type FindingStatus = "open" | "addressed" | "dismissed" | "summary";
export type DiffSide = "LEFT" | "RIGHT";

export interface FindingTable {
  id: Generated<number>;
  review_id: number;
  installation_id: number;
  repository_id: number;
  pull_number: number;
  /** sha256 of path, normalised quoted code and title: the same finding on a later push has the same one. */
  fingerprint: string;
  path: string;
  side: DiffSide;
  start_line: number | null;
  line: number | null;
  severity: FindingSeverity;
  category: string;
  title: string;
  body: string;
  quoted_code: string;
  suggestion: string | null;
  status: FindingStatus;
  github_comment_id: number | null;
  head_sha: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  /**
   * Signals for team memory (migration 0700): 👍/👎 on the inline comment by people with write
   * access, read by Revue. They count repository-wide in the memory gate.
   */
  thumbs_up: Generated<number>;
  thumbs_down: Generated<number>;
  /** Someone with write access replied with a reason why the finding is wrong. */
  rebutted: Generated<boolean>;
  /**
   * The same signals from the pull request's author without write access (migration 1210): they
   * count only for later reviews of this pull request (src/memory/README.md, who may teach).
   */
  author_rebutted: Generated<boolean>;
  author_thumbs_up: Generated<number>;
  author_thumbs_down: Generated<number>;
  reactions_read_at: Timestamp | null;
  /** A later push changed the lines the finding pointed at. */
  addressed_at: Timestamp | null;
  addressed_sha: string | null;
  /** The finding's embedding for the memory gate, with the model that made it. */
  embedding: string | null;
  embedding_model: string | null;
  embedding_dimensions: number | null;
}

/**
 * Per pull request state that outlives one review: the summary comment edited in place, and the
 * full reviews asked for by command (migration 1212; see src/review/full-review-requests.ts).
 */
export interface PullRequestTable {
  repository_id: number;
  number: number;
  installation_id: number;
  summary_comment_id: number | null;
  last_reviewed_head_sha: string | null;
  updated_at: CreatedAt;
  /** `@revue re-review` commands received; a full review is owed while this exceeds the next. */
  full_reviews_requested: Generated<number>;
  /** Requests a full review has answered (the count it saw when its review row was written). */
  full_reviews_answered: Generated<number>;
}

export type MemoryKind = "preference" | "convention" | "rejected-pattern" | "fact";
export type MemorySource = "command" | "reply" | "reaction";

/** Something the team taught Revue, scoped to an installation and optionally a repository, author, path. */
export interface MemoryTable {
  id: Generated<number>;
  installation_id: number;
  repository_id: number | null;
  author: string | null;
  path_glob: string | null;
  kind: MemoryKind;
  source: MemorySource;
  statement: string;
  taught_by: string;
  source_url: string | null;
  finding_id: number | null;
  /** pgvector text (`[0.1,...]`), with the model and dimension that made it. */
  embedding: string | null;
  embedding_model: string | null;
  embedding_dimensions: number | null;
  use_count: Generated<number>;
  last_used_at: Timestamp | null;
  created_at: CreatedAt;
}

/** A failed delivery Revue asked GitHub to redeliver (src/recovery): each guid is asked for once. */
export interface RedeliveryRequestTable {
  guid: string;
  event: string;
  /** The id of the failed attempt whose redelivery was asked for (bigint: read as a string). */
  attempt_id: ColumnType<string, number | string, number | string>;
  requested_at: CreatedAt;
}

/** One run of `revue eval` (src/cli/): its models, overall scores, tokens and cost. */
export interface EvalRunTable {
  id: Generated<number>;
  name: string | null;
  cases_source: string;
  review_model: string;
  judge_model: string;
  true_positives: number;
  candidates: number;
  golden: number;
  precision: number;
  recall: number;
  f1: number;
  review_tokens: number;
  judge_tokens: number;
  cost_usd: number;
  started_at: Timestamp;
  finished_at: CreatedAt;
}

/** One case of an eval run, keyed by its pull request URL (or title for a local case). */
export interface EvalCaseResultTable {
  run_id: number;
  case_key: string;
  title: string;
  true_positives: number;
  candidates: number;
  golden: number;
  precision: number;
  recall: number;
  f1: number;
  review_tokens: number;
  judge_tokens: number;
  cost_usd: number;
  details: ColumnType<unknown, string, string>;
  error: string | null;
}

/** A dashboard sign-in (src/dashboard): keyed by the SHA-256 of the cookie's id; tokens encrypted. */
export interface DashboardSessionTable {
  id_hash: string;
  user_id: number;
  user_login: string;
  /** GitHub's user-to-server token, AES-256-GCM encrypted (src/dashboard/web/seal-text.ts). */
  access_token: string;
  access_token_expires_at: Timestamp | null;
  refresh_token: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

/**
 * The overview's figures per installation, repository and UTC day of the reviews' created_at
 * (migration 20261217T1000), kept by triggers on reviews and findings: never write it from code.
 * `day` is a PostgreSQL date: select it as text (`to_char(day, 'YYYY-MM-DD')`), since node-postgres
 * turns dates into local-midnight Dates.
 */
export interface ReviewDailyRollupTable {
  installation_id: number;
  repository_id: number;
  day: string;
  reviews: number;
  posted: number;
  failed: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  findings_critical: number;
  findings_major: number;
  findings_minor: number;
  findings_nit: number;
  findings_addressed: number;
  findings_dismissed: number;
  /** Posted reviews with a duration, per bucket of REVIEW_DURATION_BOUNDS_MS (src/dashboard/data/rollup-buckets.ts). */
  durations: number[];
}

export interface DatabaseSchema {
  installations: InstallationTable;
  repositories: RepositoryTable;
  webhook_deliveries: WebhookDeliveryTable;
  reviews: ReviewTable;
  findings: FindingTable;
  pull_requests: PullRequestTable;
  memories: MemoryTable;
  redelivery_requests: RedeliveryRequestTable;
  eval_runs: EvalRunTable;
  eval_case_results: EvalCaseResultTable;
  dashboard_sessions: DashboardSessionTable;
  review_daily_rollup: ReviewDailyRollupTable;
}

export type Review = Selectable<ReviewTable>;
export type NewReview = Insertable<ReviewTable>;
export type Finding = Selectable<FindingTable>;
export type NewFinding = Insertable<FindingTable>;
export type Memory = Selectable<MemoryTable>;
export type NewMemory = Insertable<MemoryTable>;
