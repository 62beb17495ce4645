/** A case's or a run's counts and the scores computed from them. */
export type Scores = {
  /** Golden comments the judge found among the review's findings. */
  truePositives: number;
  /** Findings the review reported. */
  candidates: number;
  golden: number;
  precision: number;
  recall: number;
  f1: number;
};

/**
 * Precision, recall and F1 as Martian's benchmark computes them (offline/code_review_benchmark/
 * step3_judge_comments.py), so Revue's numbers sit beside its published table: recall is golden
 * comments found / golden comments; precision is golden comments found / findings reported (a
 * finding that matches two golden comments counts twice); each is 0 when its denominator is 0.
 * F1 is their harmonic mean, 0 when both are 0. Pure.
 */
export function scoreCounts(
  counts: Pick<Scores, "truePositives" | "candidates" | "golden">,
): Scores {
  const { truePositives, candidates, golden } = counts;
  const precision = candidates > 0 ? truePositives / candidates : 0;
  const recall = golden > 0 ? truePositives / golden : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePositives, candidates, golden, precision, recall, f1 };
}

/**
 * A run's overall scores: micro-averaged, from the sums of the cases' counts (a case with many
 * golden comments weighs more than one with few). Pure.
 */
export function scoreRun(cases: Pick<Scores, "truePositives" | "candidates" | "golden">[]): Scores {
  return scoreCounts({
    truePositives: cases.reduce((sum, c) => sum + c.truePositives, 0),
    candidates: cases.reduce((sum, c) => sum + c.candidates, 0),
    golden: cases.reduce((sum, c) => sum + c.golden, 0),
  });
}
