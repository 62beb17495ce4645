import type { FindingStatus } from "../../db/schema.ts";
import { fingerprintFinding } from "../fingerprint.ts";

/**
 * Fingerprints the findings and keeps the ones worth posting, in order: a repeat within this review
 * is dropped (the first one stays), and so is a finding already recorded on the pull request
 * unless it was addressed since. An open one is already on the PR (counted in `carriedForward`);
 * a dismissed one the team said no to. One listed in the summary before comes back in
 * `stillInSummary`: the summary comment is rewritten on each review, so it must list it again
 * (never posted inline later, which would break the inline budget it was held back by).
 * Pure.
 */
export function dedupeKnownFindings<T extends { path: string; quotedCode: string; title: string }>(
  findings: T[],
  known: { fingerprint: string; status: FindingStatus }[],
): {
  fresh: (T & { fingerprint: string })[];
  stillInSummary: (T & { fingerprint: string })[];
  carriedForward: number;
} {
  const knownByFingerprint = new Map(known.map((f) => [f.fingerprint, f]));
  const seen = new Set<string>();
  let carriedForward = 0;
  const stillInSummary: (T & { fingerprint: string })[] = [];
  const fresh = findings
    .map((finding) => ({ ...finding, fingerprint: fingerprintFinding(finding) }))
    .filter((finding) => {
      if (seen.has(finding.fingerprint)) return false;
      seen.add(finding.fingerprint);
      const old = knownByFingerprint.get(finding.fingerprint);
      if (old && old.status !== "addressed") {
        if (old.status === "open") carriedForward += 1;
        if (old.status === "summary") stillInSummary.push(finding);
        return false;
      }
      return true;
    });
  return { fresh, stillInSummary, carriedForward };
}
