import type { FaultRun } from "./start-fault-run.ts";

/**
 * Watches GitHub (every 250 ms) and notes when each head's first review was submitted, so a
 * scenario can measure delays from its own events (a kill) to completions.
 */
export function watchReviews(github: FaultRun["github"]) {
  const firstReviewedAt = new Map<string, number>();
  const timer = setInterval(() => {
    for (const key of github.outcome().reviewsByHead.keys()) {
      if (!firstReviewedAt.has(key)) firstReviewedAt.set(key, Date.now());
    }
  }, 250);
  return { firstReviewedAt, stop: () => clearInterval(timer) };
}
