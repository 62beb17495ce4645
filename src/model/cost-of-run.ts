import { costOf } from "./cost-of.ts";
import type { ModelUsage } from "./structured-model.ts";

/**
 * Dollars for a run of several model calls: each model's tokens at its own price (a fallback that
 * answered some calls is priced as itself), or all of `usage` at `model`'s price when the run does
 * not say which model answered (an answer stored before it did). Pure.
 */
export function costOfRun(
  run: { usage: ModelUsage; usageByModel?: Record<string, ModelUsage> },
  config: Parameters<typeof costOf>[1],
  model: string,
): number {
  const byModel = Object.entries(run.usageByModel ?? {});
  if (byModel.length === 0) return costOf(run.usage, config, model);
  return byModel.reduce((sum, [id, usage]) => sum + costOf(usage, config, id), 0);
}
