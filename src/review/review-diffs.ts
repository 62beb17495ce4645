import type { Logger } from "pino";
import type { Config } from "../config/read-config.ts";
import type { FileDiff } from "../diff/format-diff.ts";
import type { RepoConfig } from "../repo-config/repo-config.ts";
import {
  buildStableContext,
  buildSystemPrompt,
  type PromptSlots,
  type PullRequestFacts,
} from "./build-prompt.ts";
import type { ReviewModel } from "./review-model.ts";
import { runModelReview, type ModelRunResult } from "./run-model-review.ts";

const MAX_OUTPUT_TOKENS = 8000;

/**
 * The model step of every review, shared by the review job (steps/ask-model.ts) and the command
 * line (src/cli/): the repository's instructions become the cached system prompt, and the diffs
 * are reviewed within the configured prompt and call budgets. Records nothing.
 * Throws the model's errors (ModelRetryableError / ModelPermanentError).
 */
export async function reviewDiffs(input: {
  model: ReviewModel;
  facts: PullRequestFacts;
  files: FileDiff[];
  slots: PromptSlots;
  repoConfig: RepoConfig;
  /** The maintainers' rules from the base commit (steps/collect-house-rules.ts). */
  rules: Parameters<typeof buildStableContext>[0];
  limits: Pick<Config["model"], "maxPromptTokens" | "maxCallsPerReview">;
  log: Logger;
  signal?: AbortSignal;
}): Promise<ModelRunResult> {
  return runModelReview({
    model: input.model,
    pr: input.facts,
    files: input.files,
    slots: input.slots,
    system: buildSystemPrompt(input.repoConfig),
    stableContext: buildStableContext(input.rules),
    budget: {
      maxPromptTokens: input.limits.maxPromptTokens,
      maxCalls: input.limits.maxCallsPerReview,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
    },
    log: input.log,
    signal: input.signal,
  });
}
