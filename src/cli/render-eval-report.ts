import type { CaseResult, RunRecord, StoredRun } from "./eval-store.ts";

const score = (value: number) => value.toFixed(3);
const signed = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(3)}`;

/** A run as a table: each case's counts and scores, then the overall line, models, tokens, cost. Pure. */
export function renderEvalReport(id: number, run: RunRecord, cases: CaseResult[]): string {
  const width = Math.min(
    48,
    Math.max("overall (micro)".length, ...cases.map((c) => c.title.length)),
  );
  const row = (label: string, cells: (string | number)[]) =>
    `${label.slice(0, width).padEnd(width)}  ${cells.map((cell, i) => String(cell).padStart(i < 3 ? 8 : 9)).join(" ")}`;
  const lines = [
    `Eval run ${id}${run.name ? ` (${run.name})` : ""}: ${cases.length} cases from ${run.casesSource}`,
    `review model ${run.reviewModel} · judge model ${run.judgeModel}`,
    "",
    row("case", ["golden", "findings", "found", "precision", "recall", "F1"]),
  ];
  for (const c of cases) {
    lines.push(
      c.error !== null
        ? `${c.title.slice(0, width).padEnd(width)}  failed, left out of the scores: ${c.error}`
        : row(c.title, [
            c.golden,
            c.candidates,
            c.truePositives,
            score(c.precision),
            score(c.recall),
            score(c.f1),
          ]),
    );
  }
  lines.push(
    row("overall (micro)", [
      run.golden,
      run.candidates,
      run.truePositives,
      score(run.precision),
      score(run.recall),
      score(run.f1),
    ]),
    "",
    `tokens: review ${run.reviewTokens}, judge ${run.judgeTokens} · cost $${run.costUsd.toFixed(4)}`,
    `Compare with another run: revue eval --compare ${id} OTHER`,
  );
  return `${lines.join("\n")}\n`;
}

/**
 * Two runs side by side: per case (matched by pull request URL or local key) and overall, each
 * score of A, of B, and B minus A. Cases in one run only are listed as such. Pure.
 */
export function renderEvalComparison(a: StoredRun, b: StoredRun): string {
  const label = (run: StoredRun) => `run ${run.id}${run.name ? ` (${run.name})` : ""}`;
  const lines = [
    `A: ${label(a)}, review model ${a.review_model}, judge ${a.judge_model}, ${a.started_at.toISOString()}`,
    `B: ${label(b)}, review model ${b.review_model}, judge ${b.judge_model}, ${b.started_at.toISOString()}`,
    "",
  ];
  const triple = (x: { precision: number; recall: number; f1: number }, y: typeof x) =>
    (["precision", "recall", "f1"] as const)
      .map(
        (k) => `${k === "f1" ? "F1" : k} ${score(x[k])} → ${score(y[k])} (${signed(y[k] - x[k])})`,
      )
      .join("   ");
  const byKey = new Map(b.cases.map((c) => [c.case_key, c]));
  for (const ca of a.cases) {
    const cb = byKey.get(ca.case_key);
    byKey.delete(ca.case_key);
    if (!cb) lines.push(`${ca.title}: only in A`);
    else if (ca.error !== null || cb.error !== null)
      lines.push(`${ca.title}: failed in ${ca.error !== null ? "A" : "B"}`);
    else lines.push(`${ca.title}: ${triple(ca, cb)}`);
  }
  for (const cb of byKey.values()) lines.push(`${cb.title}: only in B`);
  lines.push(
    "",
    `overall: ${triple(a, b)}`,
    `cost: $${a.cost_usd.toFixed(4)} → $${b.cost_usd.toFixed(4)}`,
  );
  return `${lines.join("\n")}\n`;
}
