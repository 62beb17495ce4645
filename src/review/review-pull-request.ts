import type { ReviewJob } from "../queue/jobs.ts";
import { repositoryLinks } from "../safety/repository-links.ts";
import { checkRunExternalId, progressCheckRun } from "./check-run.ts";
import { renderProgress, renderReviewMarker } from "./render-review-texts.ts";
import { findReviewByJob } from "./review-store.ts";
import { buildReviewComments } from "./steps/build-review-comments.ts";
import { collectChanges } from "./steps/collect-changes.ts";
import { collectContext } from "./steps/collect-context.ts";
import { decideReview } from "./steps/decide-review.ts";
import { endSuperseded } from "./steps/end-superseded.ts";
import { endWithoutPosting } from "./steps/end-without-posting.ts";
import { failReview } from "./steps/fail-review.ts";
import { findNewerHead } from "./steps/find-newer-head.ts";
import { judgeFindings } from "./steps/judge-findings.ts";
import { listNotInline } from "./steps/list-not-inline.ts";
import { loadReviewInputs } from "./steps/load-review-inputs.ts";
import { findPostedReview, postInlineReview } from "./steps/post-inline-review.ts";
import { publishSummary } from "./steps/publish-summary.ts";
import { recordFindings, recordPostedReview } from "./steps/record-posted-review.ts";
import { reportNoReview } from "./steps/report-no-review.ts";
import { settleEarlierPosted, settlePostedReview } from "./steps/settle-posted-review.ts";
import type { ReviewAttempt, ReviewDependencies, ReviewOutcome } from "./steps/review-run.ts";
import { startReview } from "./steps/start-review.ts";

export type { ReviewAttempt, ReviewDependencies, ReviewOutcome } from "./steps/review-run.ts";

/**
 * Reviews one pull request, end to end, as the steps below (each in src/review/steps/, see the
 * README): load, decide, start, collect, judge, publish, record.
 *
 * Idempotent: a retried attempt continues the review row and check run its job started, and a
 * review already posted for this job is found by its marker instead of being posted again.
 * Throws PermanentJobError when retrying cannot help; any other error is worth a retry. The check
 * run is closed as failed (with what to do) on a permanent error or on the last attempt, unless
 * the review is already on the pull request: then it ends as posted (settlePostedReview).
 * A newer push supersedes it: the head is read again before the model, before posting and after
 * the inline review is posted, and the check run is closed naming the newer head (see README).
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

  // Load and decide.
  const earlier = await findReviewByJob(deps.db, attempt.jobId);
  if (earlier && earlier.status !== "running") {
    log.info({ status: earlier.status }, "this job already finished its review");
    return { status: "duplicate", reviewId: earlier.id };
  }
  const inputs = await loadReviewInputs(deps, job);
  if (earlier && earlier.head_sha !== inputs.pr.head.sha) {
    // An earlier attempt started this review, and a newer push replaced its head since. If that
    // attempt had already posted it, the review is on the pull request: it is not superseded.
    const postedId = await findPostedReview(deps.octokit, job, renderReviewMarker(earlier.id));
    if (postedId !== null) {
      return settleEarlierPosted(deps, earlier, postedId, {
        repo: { owner: job.owner, repo: job.repo },
        newerHeadSha: inputs.pr.head.sha,
        now,
        log,
      });
    }
    return endSuperseded(
      deps,
      {
        id: earlier.id,
        checkRunId: earlier.check_run_id,
        opened: { headSha: earlier.head_sha, externalId: checkRunExternalId(attempt.jobId) },
      },
      { repo: { owner: job.owner, repo: job.repo }, newerHeadSha: inputs.pr.head.sha, now, log },
    );
  }
  const fullReviewOwed = inputs.fullReviewRequest !== null || earlier?.trigger === "command-full";
  // A repository may choose among the allowed models (checked when its config was read).
  const chosen = inputs.repoConfig.model;
  const model =
    deps.model && deps.modelFor && chosen !== null && chosen !== deps.model.id
      ? deps.modelFor(chosen)
      : deps.model;
  const decision = decideReview({ ...inputs, fullReviewOwed }, job, model);
  if (decision.kind !== "review") {
    return reportNoReview(deps, job, earlier, inputs, decision, attempt);
  }
  const run = await startReview(deps, job, attempt, {
    earlier,
    inputs,
    plan: decision,
    started,
    now,
  });

  // Once comments are on the pull request, a failure to record them must not report it as failed.
  let posted = false;
  try {
    // Collect.
    const changes = await collectChanges(run, decision);
    if (changes.modelDiffs.length === 0) {
      return await endWithoutPosting(run, { kind: "nothing-to-review", changes });
    }
    const files = changes.modelDiffs.length;
    await progressCheckRun(
      deps.octokit,
      run.repo,
      run.checkRunId,
      renderProgress({ stage: "reviewing", files }),
    );
    const collected = await collectContext(run, changes);

    // Judge: never a paid model call for a head a newer push replaced.
    const newerBeforeModel = await findNewerHead(deps.octokit, job, run.headSha);
    if (newerBeforeModel !== null) {
      return await endWithoutPosting(run, { kind: "superseded", newerHeadSha: newerBeforeModel });
    }
    const judgement = await judgeFindings(run, changes, collected);

    // Publish, unless a newer push arrived during the model call.
    const newerHeadSha = await findNewerHead(deps.octokit, job, run.headSha);
    if (newerHeadSha !== null) {
      return await endWithoutPosting(run, { kind: "superseded", newerHeadSha });
    }
    const links = repositoryLinks(deps.config.github.apiBaseUrl, run.repo);
    const comments = buildReviewComments(judgement.budget.inline, deps.ownSecrets, links);
    const inline = await postInlineReview(run, changes.fromSha, comments);
    posted = inline.githubReviewId !== null;
    const notInline = listNotInline(
      judgement.budget.overflow,
      judgement.unanchored,
      inline.rejected,
    );
    await recordFindings(run, judgement, { ...inline, notInline });
    // A push after the check above: the review stays, and the summary and check run say it is of
    // an older head.
    const supersededBy = await findNewerHead(deps.octokit, job, run.headSha);
    const summaryCommentId = await publishSummary(run, changes, judgement, collected, {
      inlineCount: inline.posted.length,
      notInline,
      supersededBy,
    });
    posted = true;

    // Record.
    await recordPostedReview(
      run,
      changes,
      judgement,
      {
        githubReviewId: inline.githubReviewId,
        posted: inline.posted,
        notInline,
        summaryCommentId,
        supersededBy,
      },
      collected,
    );
    return { status: "posted", reviewId: run.review.id };
  } catch (error) {
    const settled = posted ? await settlePostedReview(run, error) : null;
    if (settled) return settled;
    throw await failReview(run, error);
  }
}
