import type { PullRequestFacts } from "../build-prompt.ts";
import { costOfRun } from "../../model/cost-of-run.ts";
import { toStorableJson } from "../../db/storable-text.ts";
import { updateReview } from "../review-store.ts";
import { reviewDiffs } from "../review-diffs.ts";
import type { ModelRunResult } from "../run-model-review.ts";
import type { ChangeSet } from "./collect-changes.ts";
import type { CollectedContext } from "./collect-context.ts";
import type { ReviewRun } from "./review-run.ts";

/**
 * Has the model review the changes, within the configured prompt and call budgets, and prices
 * what it used. The answer and what it cost are stored on the review row as soon as it arrives
 * (so a review that fails later still counts against the cost caps), and a retried
 * attempt of the same review reuses the stored answer: the model is paid once per review, and what
 * a retry records is what the first attempt may already have posted.
 * Throws the model's errors (ModelRetryableError / ModelPermanentError).
 */
export async function askModel(
  run: ReviewRun,
  changes: Pick<ChangeSet, "mode" | "fromSha" | "modelDiffs">,
  collected: CollectedContext,
): Promise<{ modelRun: ModelRunResult; costUsd: number }> {
  const { deps, job } = run;
  const stored = storedModelRun(run.review.model_output);
  if (stored) {
    run.attempt.log.info("reusing the model's answer from an earlier attempt of this review");
    return { modelRun: stored, costUsd: costOfRun(stored, deps.config, run.model.id) };
  }
  const { pr, repoConfig } = run.inputs;
  const facts: PullRequestFacts = {
    owner: job.owner,
    repo: job.repo,
    number: job.pullNumber,
    title: pr.title,
    body: pr.body ?? null,
    author: collected.scope.author,
    baseRef: pr.base.ref,
    headRef: pr.head.ref,
    mode: changes.mode,
    fromSha: changes.fromSha,
    headSha: run.headSha,
  };
  const modelRun = await reviewDiffs({
    model: run.model,
    facts,
    files: changes.modelDiffs,
    slots: { repositoryContext: collected.context.text, memories: collected.memory.text },
    repoConfig,
    rules: collected.rules,
    limits: deps.config.model,
    log: run.attempt.log,
    signal: run.attempt.signal,
  });
  // What was paid is counted at once (cost caps, the dashboard), whether or not the review is posted.
  const costUsd = costOfRun(modelRun, deps.config, run.model.id);
  await updateReview(deps.db, run.review.id, {
    model_output: toStorableJson({ ...modelRun, reviewedPaths: [...modelRun.reviewedPaths] }),
    ...usageColumns(modelRun, costUsd),
  });
  return { modelRun, costUsd };
}

/** A model run's calls, tokens and cost, as the review row's columns. */
export function usageColumns(modelRun: Pick<ModelRunResult, "calls" | "usage">, costUsd: number) {
  return {
    model_calls: modelRun.calls,
    input_tokens: modelRun.usage.inputTokens,
    output_tokens: modelRun.usage.outputTokens,
    cache_read_tokens: modelRun.usage.cacheReadTokens,
    cache_write_tokens: modelRun.usage.cacheWriteTokens,
    cost_usd: costUsd,
  };
}

/** The model run stored by an earlier attempt (see askModel), or null. */
function storedModelRun(value: unknown): ModelRunResult | null {
  if (value === null || value === undefined) return null;
  const stored = (typeof value === "string" ? JSON.parse(value) : value) as Omit<
    ModelRunResult,
    "reviewedPaths"
  > & { reviewedPaths: string[] };
  return { ...stored, reviewedPaths: new Set(stored.reviewedPaths) };
}
