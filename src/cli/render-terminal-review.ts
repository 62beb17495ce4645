import type { LocalReview, PlacedFinding } from "./review-changes.ts";

const PLACEMENT_NOTE = { inline: "", summary: " (summary)", folded: " (folded nit)" } as const;

/**
 * The review as plain text for a terminal: the walkthrough and risk, each finding as
 * `path:line` (which editors and terminals turn into links) with its severity, category, confidence
 * and explanation, what could not be placed or was skipped, and what it cost. Pure.
 */
export function renderTerminalReview(review: LocalReview): string {
  const { facts } = review;
  const out: string[] = [];
  out.push(
    `Revue: ${facts.headRef} (${facts.headSha.slice(0, 7)}) against ${facts.baseRef} (${facts.fromSha.slice(0, 7)}), model ${review.modelId}`,
  );
  out.push(
    `Risk: ${review.summary.risk}${review.summary.riskReason ? `: ${review.summary.riskReason}` : ""}`,
  );
  if (review.summary.walkthrough) out.push("", review.summary.walkthrough);
  out.push("");
  if (review.findings.length === 0 && review.unanchored.length === 0) out.push("No findings.");
  for (const finding of review.findings) out.push(...renderFinding(finding), "");
  if (review.unanchored.length > 0) {
    out.push("Not on a line of the diff:");
    for (const f of review.unanchored) {
      out.push(`  ${f.path}  [${f.severity}] ${f.title} (${f.reason})`);
    }
    out.push("");
  }
  if (review.skipped.length > 0) {
    out.push(`Not reviewed: ${review.skipped.map((s) => `${s.path} (${s.reason})`).join(", ")}`);
  }
  if (review.contextFiles.length > 0) {
    out.push(`Context from: ${review.contextFiles.join(", ")}`);
  }
  const count = (p: PlacedFinding["placement"]) =>
    review.findings.filter((f) => f.placement === p).length;
  const { usage } = review;
  out.push(
    `${review.findings.length + review.unanchored.length} findings (${count("inline")} inline, ` +
      `${count("summary") + review.unanchored.length} in the summary, ${count("folded")} folded) · ` +
      `${review.calls} model calls · ${usage.inputTokens} input, ${usage.outputTokens} output, ` +
      `${usage.cacheReadTokens} cache-read, ${usage.cacheWriteTokens} cache-write tokens · ` +
      `$${review.costUsd.toFixed(4)}`,
  );
  return `${out.join("\n")}\n`;
}

function renderFinding(finding: PlacedFinding): string[] {
  const range =
    finding.startLine !== null ? `${finding.startLine}-${finding.line}` : `${finding.line}`;
  const side = finding.side === "LEFT" ? " (removed line)" : "";
  return [
    `${finding.path}:${range}${side}  ${finding.severity} · ${finding.category} · ${finding.confidence} confidence${PLACEMENT_NOTE[finding.placement]}`,
    `  ${finding.title}`,
    ...finding.explanation.split("\n").map((line) => (line ? `    ${line}` : "")),
    ...(finding.replacement !== null
      ? ["    Suggested:", ...finding.replacement.split("\n").map((line) => `      ${line}`)]
      : []),
  ];
}
