import type { Severity } from "../repo-config/repo-config.ts";
import type { LocalReview } from "./review-changes.ts";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  critical: "error",
  major: "error",
  minor: "warning",
  nit: "note",
};

/**
 * The review as a SARIF 2.1.0 log (what GitHub code scanning and most editors read): one rule per
 * finding category (`revue/bug`), one result per finding placed on a new-file line, with its
 * severity as the level, its title and explanation as the message, and its lines as the region.
 * A finding on a removed line, or on no line of the diff, has no place in the new file: it is a
 * result with the file as its location and no region. Pure.
 */
export function renderSarif(review: LocalReview, toolVersion: string): object {
  const findings = [
    ...review.findings.map((f) => ({
      ...f,
      region:
        f.side === "RIGHT" ? { startLine: f.startLine ?? f.line, endLine: f.line } : undefined,
    })),
    ...review.unanchored.map((f) => ({ ...f, region: undefined })),
  ];
  const categories = [...new Set(findings.map((f) => f.category))].sort();
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "Revue",
            version: toolVersion,
            rules: categories.map((category) => ({
              id: `revue/${category}`,
              name: category,
              shortDescription: { text: `Revue review finding: ${category}` },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: `revue/${f.category}`,
          ruleIndex: categories.indexOf(f.category),
          level: LEVEL[f.severity],
          message: { text: `${f.title}\n\n${f.explanation}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.path, uriBaseId: "%SRCROOT%" },
                ...(f.region ? { region: f.region } : {}),
              },
            },
          ],
          properties: { severity: f.severity, confidence: f.confidence },
        })),
      },
    ],
  };
}
