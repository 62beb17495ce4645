import { estimateTokens } from "../model/estimate-tokens.ts";

export type PackableFile = { path: string; text: string };

export type Packing<T> = {
  /** One array of files per model call, each within the budget. */
  batches: T[][];
  /** Files that did not fit in `maxBatches` calls, or alone exceed one call's budget. */
  overBudget: { file: T; reason: "over the review budget" | "too large for one model call" }[];
};

const TEST_PATH = /(^|\/)(__tests__|tests?|spec)\/|\.(test|spec)\.\w+$|_test\.(go|py)$/;
const DOC_OR_CONFIG = /\.(md|mdx|rst|txt|ya?ml|toml|ini|cfg|json|xml|csv|lock)$|(^|\/)docs?\//i;

/** Lower is reviewed first: source code, then tests, then documentation and configuration. */
export function filePriority(path: string): number {
  if (TEST_PATH.test(path)) return 1;
  if (DOC_OR_CONFIG.test(path)) return 2;
  return 0;
}

/**
 * Packs files into at most `maxBatches` model calls of at most `budgetTokens` each, by priority
 * (source, tests, docs/config; within a class in the PR's order), first-fit so small files fill
 * gaps. Never drops a file silently: whatever does not fit is returned in `overBudget`.
 */
export function packFiles<T extends PackableFile>(
  files: T[],
  options: { budgetTokens: number; maxBatches: number },
): Packing<T> {
  const ordered = files
    .map((file, index) => ({ file, index, tokens: estimateTokens(file.text) }))
    .sort((a, b) => filePriority(a.file.path) - filePriority(b.file.path) || a.index - b.index);
  const batches: { files: T[]; tokens: number }[] = [];
  const overBudget: Packing<T>["overBudget"] = [];
  for (const { file, tokens } of ordered) {
    if (tokens > options.budgetTokens) {
      overBudget.push({ file, reason: "too large for one model call" });
      continue;
    }
    const batch = batches.find((b) => b.tokens + tokens <= options.budgetTokens);
    if (batch) {
      batch.files.push(file);
      batch.tokens += tokens;
    } else if (batches.length < options.maxBatches) {
      batches.push({ files: [file], tokens });
    } else {
      overBudget.push({ file, reason: "over the review budget" });
    }
  }
  return { batches: batches.map((b) => b.files), overBudget };
}
