import type { Logger } from "pino";
import { buildReviewPrompt, type PromptSlots, type PullRequestFacts } from "./build-prompt.ts";
import { estimateTokens } from "../model/estimate-tokens.ts";
import { formatFileDiff, type FileDiff } from "../diff/format-diff.ts";
import { packFiles } from "./pack-files.ts";
import type { ModelReview } from "./review-output.ts";
import type { ModelUsage } from "../model/structured-model.ts";
import type { ReviewModel } from "./review-model.ts";

export type ModelRunInput = {
  model: ReviewModel;
  pr: PullRequestFacts;
  files: FileDiff[];
  slots: PromptSlots;
  system: string;
  stableContext: string;
  budget: { maxPromptTokens: number; maxCalls: number; maxOutputTokens: number };
  log: Logger;
  signal?: AbortSignal;
};

export type ModelRunResult = {
  summary: ModelReview["summary"];
  findings: ModelReview["findings"];
  usage: ModelUsage;
  /** `usage` per model that answered (more than one when a fallback answered some calls). */
  usageByModel?: Record<string, ModelUsage>;
  calls: number;
  /** Paths whose diff (or part of it) was shown to the model. */
  reviewedPaths: Set<string>;
  overBudget: { path: string; reason: string }[];
};

const CALL_CONCURRENCY = 2;

/**
 * Reviews the files in as few model calls as the budget allows (at most `maxCalls`), splitting a
 * file too large for one call by hunks. Files that do not fit are returned in `overBudget`, never
 * dropped silently. Throws the model's errors (ModelRetryableError / ModelPermanentError).
 */
export async function runModelReview(input: ModelRunInput): Promise<ModelRunResult> {
  const fixedTokens =
    estimateTokens(input.system) +
    estimateTokens(input.stableContext) +
    estimateTokens(input.slots.repositoryContext) +
    estimateTokens(input.slots.memories) +
    estimateTokens(input.pr.body ?? "") +
    600;
  const budgetTokens = Math.max(2000, input.budget.maxPromptTokens - fixedTokens);
  const pieces = input.files.flatMap((file) => splitFile(file, budgetTokens));
  const packing = packFiles(pieces, { budgetTokens, maxBatches: input.budget.maxCalls });

  const allPaths = [...new Set(input.files.map((f) => f.path))];
  const results: ModelReview[] = [];
  const usage: ModelUsage = {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
  };
  const usageByModel: Record<string, ModelUsage> = {};
  let calls = 0;
  let next = 0;
  const worker = async () => {
    while (next < packing.batches.length) {
      const index = next++;
      const batch = packing.batches[index]!;
      const shown = new Set(batch.map((p) => p.path));
      const prompt = buildReviewPrompt({
        pr: input.pr,
        slots: input.slots,
        files: batch,
        part: {
          index,
          count: packing.batches.length,
          otherFiles: allPaths.filter((p) => !shown.has(p)),
        },
      });
      input.log.debug(
        { part: index, files: batch.length, tokens: estimateTokens(prompt) },
        "model call",
      );
      const result = await input.model.review(
        {
          system: input.system,
          stableContext: input.stableContext,
          prompt,
          maxOutputTokens: input.budget.maxOutputTokens,
        },
        { signal: input.signal },
      );
      results[index] = result.review;
      usage.inputTokens += result.usage.inputTokens;
      usage.outputTokens += result.usage.outputTokens;
      usage.cacheReadTokens += result.usage.cacheReadTokens;
      usage.cacheWriteTokens += result.usage.cacheWriteTokens;
      const byModel = (usageByModel[result.answeredBy ?? input.model.id] ??= {
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      });
      byModel.inputTokens += result.usage.inputTokens;
      byModel.outputTokens += result.usage.outputTokens;
      byModel.cacheReadTokens += result.usage.cacheReadTokens;
      byModel.cacheWriteTokens += result.usage.cacheWriteTokens;
      calls += result.calls;
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(CALL_CONCURRENCY, packing.batches.length) }, worker),
  );

  const reviewedPaths = new Set(packing.batches.flat().map((p) => p.path));
  const overBudget = packing.overBudget
    .filter(({ file }) => !reviewedPaths.has(file.path))
    .map(({ file, reason }) => ({ path: file.path, reason }));
  return { ...mergeReviews(results), usage, usageByModel, calls, reviewedPaths, overBudget };
}

/** One file, or its hunks in several pieces when the whole does not fit one call. */
function splitFile(file: FileDiff, budgetTokens: number): { path: string; text: string }[] {
  const whole = formatFileDiff(file);
  if (estimateTokens(whole) <= budgetTokens || file.hunks.length <= 1)
    return [{ path: file.path, text: whole }];
  const pieces: { path: string; text: string }[] = [];
  let hunks: FileDiff["hunks"] = [];
  const flush = () => {
    if (hunks.length > 0)
      pieces.push({ path: file.path, text: formatFileDiff({ ...file, hunks }) });
    hunks = [];
  };
  for (const hunk of file.hunks) {
    const candidate = formatFileDiff({ ...file, hunks: [...hunks, hunk] });
    if (hunks.length > 0 && estimateTokens(candidate) > budgetTokens) flush();
    hunks.push(hunk);
  }
  flush();
  return pieces;
}

const RISK_ORDER = ["low", "medium", "high"] as const;

function mergeReviews(reviews: ModelReview[]): Pick<ModelRunResult, "summary" | "findings"> {
  const present = reviews.filter(Boolean);
  const risk = present.reduce<(typeof RISK_ORDER)[number]>(
    (worst, r) =>
      RISK_ORDER.indexOf(r.summary.risk) > RISK_ORDER.indexOf(worst) ? r.summary.risk : worst,
    "low",
  );
  const riskiest = present.find((r) => r.summary.risk === risk);
  return {
    summary: {
      walkthrough: present
        .map((r) => r.summary.walkthrough.trim())
        .filter(Boolean)
        .join("\n\n"),
      files: present.flatMap((r) => r.summary.files),
      risk,
      riskReason: riskiest?.summary.riskReason ?? "",
    },
    findings: present.flatMap((r) => r.findings),
  };
}
