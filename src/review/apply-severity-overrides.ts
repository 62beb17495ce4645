import { matchGlob } from "../repo-config/match-glob.ts";
import type { Severity, SeverityOverride } from "../repo-config/path-rules-schema.ts";

type Overridable = { path: string; category: string; severity: Severity };

/**
 * Applies `.github/revue.yml`'s severity overrides to the model's findings, before they are ranked
 * and posted: the first override whose `paths` (any glob) and `category` (when given) both match a
 * finding sets its severity, or drops it when the level is "off". Findings no override matches are
 * kept as they are. Pure; keeps the order.
 */
export function applySeverityOverrides<T extends Overridable>(
  findings: readonly T[],
  overrides: readonly SeverityOverride[],
): { kept: T[]; dropped: number; changed: number } {
  const kept: T[] = [];
  let dropped = 0;
  let changed = 0;
  for (const finding of findings) {
    const override = overrides.find(
      (o) =>
        (o.category === undefined || o.category === finding.category) &&
        (o.paths === undefined || o.paths.some((pattern) => matchGlob(pattern, finding.path))),
    );
    if (!override) {
      kept.push(finding);
    } else if (override.level === "off") {
      dropped += 1;
    } else {
      if (override.level !== finding.severity) changed += 1;
      kept.push({ ...finding, severity: override.level });
    }
  }
  return { kept, dropped, changed };
}
