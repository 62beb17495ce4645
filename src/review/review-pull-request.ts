import type { Logger } from "pino";
import type { Config } from "../config/read-config.ts";
import type { Database } from "../db/open-database.ts";
import type { NewFinding, Review } from "../db/schema.ts";
import { PermanentJobError } from "../queue/job-errors.ts";
import type { ReviewJob } from "../queue/jobs.ts";
import { anchorFindings } from "./anchor-findings.ts";
import { buildStableContext, buildSystemPrompt, type PullRequestFacts } from "./build-prompt.ts";
import { closeCheckRun, openCheckRun, progressCheckRun, type CheckOutcome } from "./check-run.ts";
import { fetchIncrementalFiles, fetchPullRequestFiles } from "./fetch-changed-files.ts";
import { filterFiles, type ChangedFile } from "./filter-files.ts";
import { fingerprintFinding } from "./fingerprint.ts";
import type { FileDiff } from "../diff/format-diff.ts";
import { statusOf, type Octokit } from "../github/github-types.ts";
import { loadRepoConfig } from "../repo-config/load-repo-config.ts";
import { parsePatch, PatchParseError } from "../diff/parse-patch.ts";
import { postReview, type ReviewComment } from "./post-review.ts";
import { applyNoiseBudget } from "./rank-findings.ts";
import { renderInlineComment, type ModelFinding } from "./render-comment.ts";
import { renderSummary } from "./render-summary.ts";
import type { RepoConfig } from "../repo-config/repo-config.ts";
import {
  emptyContext,
  emptyMemory,
  passThroughGate,
  type ContextProvider,
  type FindingGate,
  type MemoryProvider,
  type ReviewScope,
} from "./review-extensions.ts";
import { ModelPermanentError, type ModelUsage, type ReviewModel } from "../model/review-model.ts";
import {
  findingsOfPull,
  findReviewByJob,
  insertFindings,
  insertReview,
  lastPostedReview,
  pullRequestState,
  savePullRequestState,
  updateReview,
} from "./review-store.ts";
import { runModelReview } from "./run-model-review.ts";
import { redactSecrets } from "../safety/scan-secrets.ts";
import { repositoryLinks } from "../safety/repository-links.ts";
import { upsertSummaryComment } from "./upsert-summary-comment.ts";

export type ReviewDependencies = {
  config: Config;
  db: Database;
  octokit: Octokit;
  /** Null when ANTHROPIC_API_KEY is not set: the check run then says what to set. */
  model: ReviewModel | null;
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

const MAX_OUTPUT_TOKENS = 8000;

/**
 * Reviews one pull request, end to end: config from the base branch, a check run, the changed
 * files, the model, anchoring, the noise budget, one posted review and the summary comment.
 *
 * Idempotent: a retried attempt continues the review row and check run its job started, and a
 * review already posted for this job is found by its marker instead of being posted again.
 * Throws PermanentJobError when retrying cannot help; any other error is worth a retry. The check
 * run is closed as failed (with what to do) on a permanent error or on the last attempt.
 */
export async function reviewPullRequest(
  deps: ReviewDependencies,
  job: ReviewJob,
  attempt: ReviewAttempt,
): Promise<ReviewOutcome> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  // The job's logger already carries its id, delivery, repository and pull request.
  const log = attempt.log;
  const repo = { owner: job.owner, repo: job.repo };
  const { octokit, db } = deps;

  const earlier = await findReviewByJob(db, attempt.jobId);
  if (earlier && earlier.status !== "running") {
    log.info({ status: earlier.status }, "this job already finished its review");
    return { status: "duplicate", reviewId: earlier.id };
  }

  const pr = await getPullRequest(octokit, job);
  const headSha = pr.head.sha;
  const baseSha = pr.base.sha;
  const { config: repoConfig, problems: configProblems } = await loadRepoConfig(
    octokit,
    repo,
    baseSha,
  );

  const skip = decideSkip(pr, repoConfig, job);
  if (skip) {
    await reportSkip(deps, job, headSha, skip, configProblems, earlier?.check_run_id ?? null);
    log.info({ reason: skip }, "review skipped");
    return { status: "skipped", reason: skip };
  }

  const previous = await lastPostedReview(db, job.repositoryId, job.pullNumber);
  if (previous && previous.head_sha === headSha && job.trigger !== "command-full") {
    log.info({ head: headSha }, "this head was already reviewed");
    return { status: "duplicate", reviewId: previous.id };
  }

  const checkRunId =
    earlier?.check_run_id ??
    (await openCheckRun(octokit, repo, headSha, "Revue is reading the changes"));
  if (!deps.model) {
    await closeCheckRun(octokit, repo, checkRunId, {
      kind: "failed",
      title: "Not reviewed: no Anthropic API key",
      summary:
        "Revue has no model to review with. Set `ANTHROPIC_API_KEY` in Revue's environment (and restart it), then comment `@" +
        `${deps.slug} re-review\` on this pull request.`,
    });
    log.warn("ANTHROPIC_API_KEY is not set: review reported as not possible");
    return { status: "failed", reason: "no ANTHROPIC_API_KEY" };
  }

  let mode = job.mode;
  let fromSha = mode === "incremental" && previous ? previous.head_sha : baseSha;
  if (mode === "incremental" && !previous) mode = "full";
  const review =
    earlier ??
    (await insertReview(db, {
      installation_id: job.installationId,
      repository_id: job.repositoryId,
      pull_number: job.pullNumber,
      base_sha: baseSha,
      head_sha: headSha,
      from_sha: fromSha,
      trigger: job.trigger,
      mode,
      status: "running",
      delivery_id: job.deliveryId,
      job_id: attempt.jobId,
      check_run_id: checkRunId,
      model: deps.model.id,
    }));

  try {
    const pullFiles = await fetchPullRequestFiles(octokit, { ...repo, pullNumber: job.pullNumber });
    let modelFiles: ChangedFile[] = pullFiles;
    let fallbackNote: string | null = null;
    if (mode === "incremental") {
      const incremental = await fetchIncrementalFiles(octokit, repo, fromSha, headSha);
      if (incremental.kind === "incremental") {
        // Only files that are part of the PR: a merge of the base branch brings others along.
        const inPull = new Set(pullFiles.map((f) => f.filename));
        modelFiles = incremental.files.filter((f) => inPull.has(f.filename));
      } else {
        mode = "full";
        fromSha = baseSha;
        fallbackNote = `Full review: ${incremental.reason}.`;
        await updateReview(db, review.id, { mode, from_sha: fromSha });
      }
    }

    const selection = filterFiles(modelFiles, {
      ignore: repoConfig.ignore,
      maxPatchBytes: deps.config.review.maxFileBytes,
    });
    const skipped: { path: string; reason: string }[] = [...selection.skipped];
    const modelDiffs = toFileDiffs(selection.reviewable, skipped);
    const anchorDiffs = toFileDiffs(pullFiles, []);

    if (modelDiffs.length === 0) {
      const reason =
        modelFiles.length === 0
          ? mode === "incremental"
            ? "No file of this pull request changed since the last review."
            : "This pull request changes no files."
          : `No reviewable changes: ${modelFiles.length} changed file(s), all skipped.`;
      await finishSkipped(deps, review, repo, checkRunId, reason, skipped, configProblems, now);
      return { status: "skipped", reason };
    }

    await progressCheckRun(
      octokit,
      repo,
      checkRunId,
      `Revue is reviewing ${modelDiffs.length} file${modelDiffs.length === 1 ? "" : "s"}`,
    );
    const scope: ReviewScope = {
      installationId: job.installationId,
      repositoryId: job.repositoryId,
      owner: job.owner,
      repo: job.repo,
      pullNumber: job.pullNumber,
      author: pr.user?.login ?? "unknown",
      baseSha,
      headSha,
      files: modelDiffs,
      log,
    };
    const contextBudget = Math.floor(deps.config.model.maxPromptTokens * 0.25);
    const [context, memory] = await Promise.all([
      (deps.context ?? emptyContext)(scope, contextBudget),
      (deps.memory ?? emptyMemory)(scope, Math.floor(deps.config.model.maxPromptTokens * 0.05)),
    ]);

    const facts: PullRequestFacts = {
      owner: job.owner,
      repo: job.repo,
      number: job.pullNumber,
      title: pr.title,
      body: pr.body ?? null,
      author: scope.author,
      baseRef: pr.base.ref,
      headRef: pr.head.ref,
      mode,
      fromSha,
      headSha,
    };
    const run = await runModelReview({
      model: deps.model,
      pr: facts,
      files: modelDiffs,
      slots: { repositoryContext: context.text, memories: memory.text },
      system: buildSystemPrompt(repoConfig),
      stableContext: buildStableContext(repoConfig),
      budget: {
        maxPromptTokens: deps.config.model.maxPromptTokens,
        maxCalls: deps.config.model.maxCallsPerReview,
        maxOutputTokens: MAX_OUTPUT_TOKENS,
      },
      log,
      signal: attempt.signal,
    });
    skipped.push(...run.overBudget);
    const costUsd = costOf(run.usage, deps.config);

    // Anchor against the whole PR diff: review comments are placed on it, whatever the model saw.
    const gated = await (deps.gate ?? passThroughGate)(scope, run.findings);
    const { anchored, unanchored } = anchorFindings(gated.kept, anchorDiffs);
    const known = await findingsOfPull(db, job.repositoryId, job.pullNumber);
    const knownByFingerprint = new Map(known.map((f) => [f.fingerprint, f]));
    const seen = new Set<string>();
    let carriedForward = 0;
    const fresh = anchored
      .map((finding) => ({ ...finding, fingerprint: fingerprintFinding(finding) }))
      .filter((finding) => {
        if (seen.has(finding.fingerprint)) return false;
        seen.add(finding.fingerprint);
        const old = knownByFingerprint.get(finding.fingerprint);
        if (old && old.status !== "addressed") {
          if (old.status === "open") carriedForward += 1;
          return false; // open: already on the PR; dismissed: the team said no.
        }
        return true;
      });
    const budget = applyNoiseBudget(fresh, {
      threshold: repoConfig.severity_threshold,
      maxInline: repoConfig.max_inline_comments,
    });

    const current = await getPullRequest(octokit, job);
    if (current.head.sha !== headSha) {
      await updateReview(db, review.id, {
        status: "superseded",
        status_reason: `newer head ${current.head.sha}`,
        finished_at: now(),
      });
      await closeCheckRun(octokit, repo, checkRunId, {
        kind: "skipped",
        title: "Superseded by a newer push",
        summary: `A newer commit (${current.head.sha.slice(0, 7)}) was pushed while this one was reviewed; Revue reviews the newest.`,
      });
      log.info({ newer: current.head.sha }, "review superseded by a newer push");
      return { status: "superseded", reviewId: review.id };
    }

    const secrets = (text: string) => redactSecrets(text, deps.ownSecrets).text;
    const links = repositoryLinks(deps.config.github.apiBaseUrl, repo);
    const comments: (ReviewComment & { finding: (typeof budget.inline)[number] })[] =
      budget.inline.map((finding) => ({
        finding,
        path: finding.path,
        side: finding.side,
        line: finding.line,
        ...(finding.startLine !== null
          ? { start_line: finding.startLine, start_side: finding.side }
          : {}),
        body: secrets(renderInlineComment(finding, finding.fingerprint, links)),
      }));

    let githubReviewId: number | null = null;
    let posted = comments;
    let rejected: ModelFinding[] = [];
    if (comments.length > 0) {
      const marker = `<!-- revue:review:${review.id} -->`;
      githubReviewId = await findPostedReview(
        octokit,
        job,
        marker,
        attempt.retryCount > 0 || earlier !== undefined,
      );
      if (githubReviewId === null) {
        const body = secrets(
          `**Revue** left ${comments.length} comment${comments.length === 1 ? "" : "s"} on \`${fromSha.slice(0, 7)}..${headSha.slice(0, 7)}\`. The summary comment has the rest.\n\n${marker}`,
        );
        const result = await postReview(
          octokit,
          { ...repo, pullNumber: job.pullNumber, commitId: headSha },
          body,
          comments.map(({ finding: _finding, ...comment }) => comment),
          log,
        );
        githubReviewId = result.reviewId;
        const rejectedBodies = new Set(result.rejected.map((r) => r.comment.body));
        posted = comments.filter((c) => !rejectedBodies.has(c.body));
        rejected = comments.filter((c) => rejectedBodies.has(c.body)).map((c) => c.finding);
      }
    }

    const notInline = [
      ...budget.overflow.map((finding) => ({
        finding: finding as ModelFinding,
        note: "over the inline comment limit",
      })),
      ...unanchored.map((finding) => ({
        finding: finding as ModelFinding,
        note: "no line in the diff to attach it to",
      })),
      ...rejected.map((finding) => ({ finding, note: "GitHub refused the inline comment" })),
    ];
    const state = await pullRequestState(db, job.repositoryId, job.pullNumber);
    const summaryBody = secrets(
      [
        fallbackNote ? `> ${fallbackNote}\n` : "",
        configProblems.length > 0
          ? `> **.github/revue.yml problems** (defaults used): ${configProblems.join("; ")}\n`
          : "",
        renderSummary({
          review: run.summary,
          mode,
          fromSha,
          headSha,
          filesTotal: pullFiles.length,
          filesReviewed: run.reviewedPaths.size,
          skipped,
          inlineCount: posted.length,
          carriedForward,
          notInline,
          folded: budget.folded,
          contextFiles: context.files,
          suppressedByMemory: gated.suppressed,
          usage: { model: deps.model.id, ...run.usage, costUsd, calls: run.calls },
          slug: deps.slug,
          links,
        }),
      ].join(""),
    );
    const summaryCommentId = await upsertSummaryComment(
      octokit,
      { ...repo, pullNumber: job.pullNumber },
      summaryBody,
      state?.summary_comment_id ?? null,
      `${deps.slug}[bot]`,
    );

    const commentIds =
      githubReviewId === null
        ? new Map<string, number>()
        : await reviewCommentIds(octokit, job, githubReviewId);
    const rows: NewFinding[] = [
      ...posted.map(({ finding }) =>
        findingRow(
          job,
          review.id,
          headSha,
          finding,
          finding.fingerprint,
          "open",
          commentIds.get(finding.fingerprint) ?? null,
        ),
      ),
      ...notInline.map(({ finding }) =>
        findingRow(job, review.id, headSha, finding, fingerprintFinding(finding), "summary", null),
      ),
      ...budget.folded.map((finding) =>
        findingRow(job, review.id, headSha, finding, finding.fingerprint, "summary", null),
      ),
    ];
    await insertFindings(db, rows);
    await savePullRequestState(db, {
      repositoryId: job.repositoryId,
      number: job.pullNumber,
      installationId: job.installationId,
      summaryCommentId,
      lastReviewedHeadSha: headSha,
    });
    const finished = now();
    await updateReview(db, review.id, {
      status: "posted",
      from_sha: fromSha,
      mode,
      github_review_id: githubReviewId,
      files_total: pullFiles.length,
      files_reviewed: run.reviewedPaths.size,
      findings_posted: posted.length,
      model_calls: run.calls,
      input_tokens: run.usage.inputTokens,
      output_tokens: run.usage.outputTokens,
      cache_read_tokens: run.usage.cacheReadTokens,
      cache_write_tokens: run.usage.cacheWriteTokens,
      cost_usd: costUsd,
      finished_at: finished,
      duration_ms: finished.getTime() - started.getTime(),
    });
    const seconds = ((finished.getTime() - started.getTime()) / 1000).toFixed(1);
    await closeCheckRun(octokit, repo, checkRunId, {
      kind: "reviewed",
      title: `Reviewed ${run.reviewedPaths.size} of ${pullFiles.length} files: ${posted.length} comment${posted.length === 1 ? "" : "s"}`,
      summary: [
        `Reviewed ${mode === "incremental" ? "the commits since the last review" : "the whole pull request"} (\`${fromSha.slice(0, 7)}..${headSha.slice(0, 7)}\`).`,
        `- Inline comments: ${posted.length}; in the summary: ${notInline.length + budget.folded.length}; still open from earlier: ${carriedForward}`,
        `- Files: ${run.reviewedPaths.size} reviewed, ${skipped.length} skipped`,
        `- Model: ${deps.model.id}, ${run.calls} call(s), ${run.usage.inputTokens} input / ${run.usage.outputTokens} output tokens (cache: ${run.usage.cacheReadTokens} read, ${run.usage.cacheWriteTokens} written), about $${costUsd.toFixed(4)}`,
        `- Duration: ${seconds} s`,
        ...(configProblems.length > 0
          ? [`- .github/revue.yml problems (defaults used): ${configProblems.join("; ")}`]
          : []),
      ].join("\n"),
    });
    log.info(
      { posted: posted.length, summary: notInline.length, tokens: run.usage, costUsd },
      "review posted",
    );
    return { status: "posted", reviewId: review.id };
  } catch (error) {
    const permanent = error instanceof PermanentJobError || error instanceof ModelPermanentError;
    const lastAttempt = attempt.retryCount >= attempt.retryLimit;
    if (permanent || lastAttempt) {
      await updateReview(db, review.id, {
        status: "failed",
        status_reason: (error as Error).message,
        finished_at: now(),
      });
      await closeCheckRun(octokit, repo, checkRunId, failureOutcome(error, deps.slug)).catch(
        (closeError) => log.error({ err: closeError }, "could not close the check run"),
      );
      if (error instanceof ModelPermanentError)
        throw new PermanentJobError(error.message, { cause: error });
    } else {
      await progressCheckRun(
        octokit,
        repo,
        checkRunId,
        `Revue hit an error and will retry (attempt ${attempt.retryCount + 1} of ${attempt.retryLimit + 1})`,
      ).catch(() => {});
    }
    throw error;
  }
}

async function getPullRequest(octokit: Octokit, job: ReviewJob) {
  try {
    const { data } = await octokit.rest.pulls.get({
      owner: job.owner,
      repo: job.repo,
      pull_number: job.pullNumber,
    });
    return data;
  } catch (error) {
    if (statusOf(error) === 404 || statusOf(error) === 410) {
      throw new PermanentJobError(
        `pull request ${job.owner}/${job.repo}#${job.pullNumber} not found`,
        { cause: error },
      );
    }
    throw error;
  }
}

type PullRequest = Awaited<ReturnType<typeof getPullRequest>>;

/** Why this pull request is not reviewed now, or null to review it. */
export function decideSkip(
  pr: Pick<PullRequest, "state" | "draft" | "user">,
  config: RepoConfig,
  job: Pick<ReviewJob, "trigger">,
): string | null {
  const command = job.trigger === "command-full" || job.trigger === "command-incremental";
  if (!config.enabled)
    return "Revue is turned off for this repository (`enabled: false` in .github/revue.yml).";
  if (pr.state !== "open") return "The pull request is closed.";
  if (pr.draft && !config.review_drafts && !command) {
    return "The pull request is a draft. Revue reviews it when it is marked ready (or set `review_drafts: true`, or comment a review command).";
  }
  if (pr.user?.type === "Bot" && !config.review_bots && !command) {
    return "The pull request was opened by a bot (set `review_bots: true` in .github/revue.yml to review those).";
  }
  return null;
}

async function reportSkip(
  deps: ReviewDependencies,
  job: ReviewJob,
  headSha: string,
  reason: string,
  configProblems: string[],
  checkRunId: number | null,
): Promise<void> {
  const repo = { owner: job.owner, repo: job.repo };
  const id =
    checkRunId ??
    (await openCheckRun(deps.octokit, repo, headSha, "Revue is deciding whether to review"));
  await closeCheckRun(deps.octokit, repo, id, {
    kind: "skipped",
    title: `Not reviewed: ${reason.split(".")[0]}`,
    summary: [reason, ...configProblems.map((p) => `- .github/revue.yml: ${p}`)].join("\n"),
  });
}

async function finishSkipped(
  deps: ReviewDependencies,
  review: Review,
  repo: { owner: string; repo: string },
  checkRunId: number,
  reason: string,
  skipped: { path: string; reason: string }[],
  configProblems: string[],
  now: () => Date,
): Promise<void> {
  await updateReview(deps.db, review.id, {
    status: "skipped",
    status_reason: reason,
    finished_at: now(),
  });
  await closeCheckRun(deps.octokit, repo, checkRunId, {
    kind: "skipped",
    title: `Not reviewed: ${reason.split(":")[0]}`,
    summary: [
      reason,
      ...skipped.slice(0, 100).map((s) => `- \`${s.path}\`: ${s.reason}`),
      ...configProblems.map((p) => `- .github/revue.yml: ${p}`),
    ].join("\n"),
  });
}

/** Turns changed files into parsed diffs; a patch that cannot be parsed is reported, not fatal. */
function toFileDiffs(
  files: ChangedFile[],
  skipped: { path: string; reason: string }[],
): FileDiff[] {
  const diffs: FileDiff[] = [];
  for (const file of files) {
    if (file.patch === undefined) continue;
    try {
      diffs.push({
        path: file.filename,
        previousPath: file.previous_filename,
        status: file.status,
        hunks: parsePatch(file.patch),
      });
    } catch (error) {
      if (!(error instanceof PatchParseError)) throw error;
      skipped.push({ path: file.filename, reason: "its patch could not be parsed" });
    }
  }
  return diffs;
}

/** The id of the review this job posted on an earlier attempt, found by its marker. */
async function findPostedReview(
  octokit: Octokit,
  job: ReviewJob,
  marker: string,
  look: boolean,
): Promise<number | null> {
  if (!look) return null;
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
    owner: job.owner,
    repo: job.repo,
    pull_number: job.pullNumber,
    per_page: 100,
  });
  return reviews.find((r) => r.body?.includes(marker))?.id ?? null;
}

/** Fingerprint -> GitHub comment id for the comments of one review (read from their markers). */
async function reviewCommentIds(
  octokit: Octokit,
  job: ReviewJob,
  reviewId: number,
): Promise<Map<string, number>> {
  const comments = await octokit.paginate(octokit.rest.pulls.listCommentsForReview, {
    owner: job.owner,
    repo: job.repo,
    pull_number: job.pullNumber,
    review_id: reviewId,
    per_page: 100,
  });
  const ids = new Map<string, number>();
  for (const comment of comments) {
    const match = /<!-- revue:finding:([0-9a-f]+) -->/.exec(comment.body ?? "");
    if (match) ids.set(match[1]!, comment.id);
  }
  return ids;
}

function findingRow(
  job: ReviewJob,
  reviewId: number,
  headSha: string,
  finding: ModelFinding,
  fingerprint: string,
  status: "open" | "summary",
  commentId: number | null,
): NewFinding {
  return {
    review_id: reviewId,
    installation_id: job.installationId,
    repository_id: job.repositoryId,
    pull_number: job.pullNumber,
    fingerprint,
    path: finding.path,
    side: finding.side,
    start_line: finding.startLine,
    line: finding.line,
    severity: finding.severity,
    category: finding.category,
    title: finding.title,
    body: finding.explanation,
    quoted_code: finding.quotedCode,
    suggestion: finding.replacement,
    status,
    github_comment_id: commentId,
    head_sha: headSha,
  };
}

/** Dollars for the tokens used, at the configured prices (cache writes 1.25x, reads 0.1x input). */
export function costOf(usage: ModelUsage, config: Config): number {
  const input = config.model.pricePerMillionInput / 1_000_000;
  const output = config.model.pricePerMillionOutput / 1_000_000;
  return (
    usage.inputTokens * input +
    usage.cacheWriteTokens * input * 1.25 +
    usage.cacheReadTokens * input * 0.1 +
    usage.outputTokens * output
  );
}

function failureOutcome(error: unknown, slug: string): CheckOutcome {
  const message = (error as Error).message ?? String(error);
  const retry = `Comment \`@${slug} re-review\` on the pull request to try again.`;
  if (error instanceof ModelPermanentError) {
    return {
      kind: "failed",
      title: "Not reviewed: the model refused the request",
      summary: `${message}\n\n${retry}`,
    };
  }
  return {
    kind: "failed",
    title: "Not reviewed: Revue failed after several attempts",
    summary: `The last error: ${message}\n\nThis is usually temporary (the model or GitHub was unavailable). ${retry} If it keeps failing, check Revue's logs.`,
  };
}
