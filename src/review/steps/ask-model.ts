import { buildStableContext, buildSystemPrompt, type PullRequestFacts } from "../build-prompt.ts";
import { costOf } from "../../model/cost-of.ts";
import { runModelReview, type ModelRunResult } from "../run-model-review.ts";
import type { ChangeSet } from "./collect-changes.ts";
import type { CollectedContext } from "./collect-context.ts";
import type { ReviewRun } from "./review-run.ts";

const MAX_OUTPUT_TOKENS = 8000;

/**
 * Has the model review the changes, within the configured prompt and call budgets, and prices
 * what it used. Throws the model's errors (ModelRetryableError / ModelPermanentError).
 */
export async function askModel(
  run: ReviewRun,
  changes: Pick<ChangeSet, "mode" | "fromSha" | "modelDiffs">,
  collected: CollectedContext,
): Promise<{ modelRun: ModelRunResult; costUsd: number }> {
  const { deps, job } = run;
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
  const modelRun = await runModelReview({
    model: run.model,
    pr: facts,
    files: changes.modelDiffs,
    slots: { repositoryContext: collected.context.text, memories: collected.memory.text },
    system: buildSystemPrompt(repoConfig),
    stableContext: buildStableContext(repoConfig),
    budget: {
      maxPromptTokens: deps.config.model.maxPromptTokens,
      maxCalls: deps.config.model.maxCallsPerReview,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
    },
    log: run.attempt.log,
    signal: run.attempt.signal,
  });
  return { modelRun, costUsd: costOf(modelRun.usage, deps.config) };
}
