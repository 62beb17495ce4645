import type { Severity } from "../repo-config/repo-config.ts";

const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 8, major: 4, minor: 2, nit: 1 };
const CONFIDENCE_WEIGHT = { high: 1, medium: 0.7, low: 0.4 } as const;
const SEVERITY_ORDER: Severity[] = ["nit", "minor", "major", "critical"];

export type Rankable = { severity: Severity; confidence: keyof typeof CONFIDENCE_WEIGHT };

export type NoiseBudget<T> = {
  /** Posted as inline comments, most important first. */
  inline: T[];
  /** Worth saying but over the inline budget: listed in the summary. */
  overflow: T[];
  /** Below the severity threshold (nits by default): one collapsed section of the summary. */
  folded: T[];
};

/**
 * The noise budget: ranks findings by severity x confidence, keeps at most `maxInline` at or above
 * the threshold as inline comments, and folds the rest into the summary. Stable for equal ranks.
 */
export function applyNoiseBudget<T extends Rankable>(
  findings: T[],
  options: { threshold: Severity; maxInline: number },
): NoiseBudget<T> {
  const floor = SEVERITY_ORDER.indexOf(options.threshold);
  const score = (f: T) => SEVERITY_WEIGHT[f.severity] * CONFIDENCE_WEIGHT[f.confidence];
  const ranked = findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => score(b.finding) - score(a.finding) || a.index - b.index)
    .map(({ finding }) => finding);
  const worthy = ranked.filter((f) => SEVERITY_ORDER.indexOf(f.severity) >= floor);
  return {
    inline: worthy.slice(0, options.maxInline),
    overflow: worthy.slice(options.maxInline),
    folded: ranked.filter((f) => SEVERITY_ORDER.indexOf(f.severity) < floor),
  };
}
