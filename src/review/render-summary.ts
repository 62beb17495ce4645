import { filterOutgoingText } from "../safety/filter-outgoing-text.ts";
import { inlineCode } from "../safety/inline-code.ts";
import type { RepositoryLinks } from "../safety/repository-links.ts";
import type { ModelReview } from "./review-output.ts";
import { renderFindingLine, type ModelFinding } from "./render-comment.ts";

export const SUMMARY_MARKER = "<!-- revue:summary -->";

export type SummaryInput = {
  review: Pick<ModelReview["summary"], "walkthrough" | "files" | "risk" | "riskReason"> | null;
  mode: "full" | "incremental";
  fromSha: string;
  headSha: string;
  filesTotal: number;
  filesReviewed: number;
  skipped: { path: string; reason: string }[];
  inlineCount: number;
  carriedForward: number;
  /** Findings kept but not inline: over the budget, or no line GitHub accepts. */
  notInline: { finding: ModelFinding; note: string }[];
  /** Below the severity threshold: folded away. */
  folded: ModelFinding[];
  contextFiles: string[];
  suppressedByMemory: number;
  usage: {
    model: string;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    calls: number;
  };
  /** The App's slug, for the commands hint. */
  slug: string;
  /** The repository's own pages, the only links kept in the model's text (none when absent). */
  links?: RepositoryLinks;
};

/**
 * The summary comment, edited in place on each review: what was reviewed (which commits, how many
 * files, what was skipped and why), the walkthrough, findings that are not inline, and nits folded
 * into one collapsed section. A clean PR gets a short summary. The model's words, and the file
 * names, pass filterOutgoingText / inlineCode: only Revue's own text has HTML and markers.
 */
export function renderSummary(input: SummaryInput): string {
  const range = `\`${input.fromSha.slice(0, 7)}..${input.headSha.slice(0, 7)}\``;
  const lines: string[] = [SUMMARY_MARKER, "## Revue review", ""];
  const scope =
    input.mode === "incremental"
      ? `Reviewed the commits pushed since the last review (${range}).`
      : `Reviewed the whole pull request (${range}).`;
  lines.push(`${scope} Reviewed ${input.filesReviewed} of ${input.filesTotal} changed files.`);
  if (input.review) {
    const { links } = input;
    const reason = filterOutgoingText(input.review.riskReason.trim(), { links, inline: true });
    const walkthrough = filterOutgoingText(input.review.walkthrough.trim(), { links });
    lines.push("", `**Risk: ${input.review.risk}**: ${reason}`);
    if (walkthrough.trim()) lines.push("", walkthrough.trim());
  }

  const findingsTotal = input.inlineCount + input.notInline.length;
  lines.push("");
  if (findingsTotal === 0 && input.carriedForward === 0) {
    lines.push("No problems found in this change.");
  } else {
    const parts = [`${input.inlineCount} new inline comment${input.inlineCount === 1 ? "" : "s"}`];
    if (input.carriedForward > 0)
      parts.push(`${input.carriedForward} still open from earlier reviews (not repeated)`);
    lines.push(`${parts.join(", ")}.`);
  }
  if (input.notInline.length > 0) {
    lines.push("", "### Findings not placed inline", "");
    for (const { finding, note } of input.notInline)
      lines.push(renderFindingLine(finding, note, input.links));
  }
  if (input.review && input.review.files.length > 0) {
    lines.push(
      "",
      "<details><summary>Changes by file</summary>",
      "",
      "| File | Change |",
      "| --- | --- |",
    );
    for (const file of input.review.files) {
      const summary = filterOutgoingText(file.summary, { links: input.links, inline: true });
      lines.push(`| ${inlineCode(file.path)} | ${summary.replace(/\|/g, "\\|")} |`);
    }
    lines.push("", "</details>");
  }
  if (input.folded.length > 0) {
    lines.push("", `<details><summary>Nits and minor notes (${input.folded.length})</summary>`, "");
    for (const finding of input.folded)
      lines.push(renderFindingLine(finding, undefined, input.links));
    lines.push("", "</details>");
  }
  if (input.skipped.length > 0) {
    lines.push("", `<details><summary>Skipped files (${input.skipped.length})</summary>`, "");
    for (const skip of input.skipped.slice(0, 200))
      lines.push(`- ${inlineCode(skip.path)}: ${skip.reason}`);
    if (input.skipped.length > 200) lines.push(`- ... and ${input.skipped.length - 200} more`);
    lines.push("", "</details>");
  }
  if (input.contextFiles.length > 0) {
    lines.push(
      "",
      `<details><summary>Repository context used (${input.contextFiles.length} files)</summary>`,
      "",
    );
    for (const path of input.contextFiles) lines.push(`- ${inlineCode(path)}`);
    lines.push("", "</details>");
  }
  const footer = [
    input.usage.model,
    `${input.usage.inputTokens.toLocaleString("en-US")} input / ${input.usage.outputTokens.toLocaleString("en-US")} output tokens`,
    `$${input.usage.costUsd.toFixed(4)}`,
  ];
  if (input.suppressedByMemory > 0)
    footer.push(`${input.suppressedByMemory} finding(s) suppressed by team memory`);
  lines.push(
    "",
    `<sub>${footer.join(" · ")} · Reply to a comment to teach me; \`@${input.slug} help\` for commands.</sub>`,
  );
  return lines.join("\n");
}
