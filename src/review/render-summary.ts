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
  /** The house rules given to the model (see renderRulesApplied); absent or empty: none. */
  rules?: RulesApplied;
  /** Findings `.github/revue.yml`'s severity overrides dropped or re-rated. */
  overridden?: { dropped: number; changed: number };
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
  const rules = input.rules ? renderRulesApplied(input.rules) : null;
  if (rules) lines.push("", rules);
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
  if (input.overridden && input.overridden.dropped + input.overridden.changed > 0) {
    const { dropped, changed } = input.overridden;
    footer.push(`severity overrides: ${dropped} finding(s) dropped, ${changed} re-rated`);
  }
  lines.push(
    "",
    `<sub>${footer.join(" · ")} · Reply to a comment to teach me; \`@${input.slug} help\` for commands.</sub>`,
  );
  return lines.join("\n");
}

export type RulesApplied = {
  /** How many of `.github/revue.yml`'s instructions applied, and whether they are path ones. */
  instructions: { paths: string[] }[];
  guidelines: {
    files: { path: string; scope: string | null; truncated: boolean }[];
    omitted: string[];
    maxTokens: number;
  };
};

/**
 * One line naming the rules the model was given: "Rules applied: AGENTS.md,
 * `.github/instructions/api.instructions.md` (src/api/**), 2 path instructions from
 * .github/revue.yml.", and what the guideline budget truncated or left out. Null when none.
 */
export function renderRulesApplied(rules: RulesApplied): string | null {
  const parts = rules.guidelines.files.map(
    (file) =>
      `${inlineCode(file.path)}${file.scope ? ` (${inlineCode(file.scope)})` : ""}${file.truncated ? " (truncated)" : ""}`,
  );
  const scoped = rules.instructions.filter((i) => i.paths.length > 0).length;
  if (rules.instructions.length > scoped) parts.push("the instructions in `.github/revue.yml`");
  if (scoped > 0) {
    parts.push(`${scoped} path instruction${scoped === 1 ? "" : "s"} from \`.github/revue.yml\``);
  }
  if (parts.length === 0 && rules.guidelines.omitted.length === 0) return null;
  const line = parts.length > 0 ? `Rules applied: ${parts.join(", ")}.` : "Rules applied: none.";
  const omitted = rules.guidelines.omitted;
  if (omitted.length === 0) return line;
  const budget = rules.guidelines.maxTokens.toLocaleString("en-US");
  return `${line} Left out, over the ${budget}-token guideline budget (\`guidelines_max_tokens\`): ${omitted.map(inlineCode).join(", ")}.`;
}
