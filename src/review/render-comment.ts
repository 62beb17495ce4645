import { filterOutgoingText } from "../safety/filter-outgoing-text.ts";
import { inlineCode } from "../safety/inline-code.ts";
import type { RepositoryLinks } from "../safety/repository-links.ts";
import type { ModelReview } from "./review-output.ts";

export type ModelFinding = ModelReview["findings"][number];

const SEVERITY_LABEL = {
  critical: "🔴 Critical",
  major: "🟠 Major",
  minor: "🟡 Minor",
  nit: "⚪ Nit",
} as const;

/** Marker in every inline comment: finds Revue's own threads again, and its fingerprint. */
export function findingMarker(fingerprint: string): string {
  return `<!-- revue:finding:${fingerprint} -->`;
}

/**
 * The body of one inline comment: severity and title, the explanation, and a `suggestion` block
 * when the fix is local (only on right-side lines of one hunk, which the anchoring decided). The
 * model's words pass filterOutgoingText (links only to `links`, the repository's own pages; none
 * without it) before Revue adds its marker.
 */
export function renderInlineComment(
  finding: ModelFinding & { suggestionAllowed: boolean },
  fingerprint: string,
  links?: RepositoryLinks,
): string {
  const title = filterOutgoingText(finding.title.trim(), { links, inline: true });
  const parts = [
    `**${SEVERITY_LABEL[finding.severity]} · ${finding.category}${title ? `: ${title}` : ""}**`,
    filterOutgoingText(finding.explanation.trim(), { links }),
  ];
  if (finding.suggestionAllowed && finding.replacement !== null) {
    const fence = fenceFor(finding.replacement);
    parts.push(
      filterOutgoingText(`${fence}suggestion\n${finding.replacement.replace(/\n$/, "")}\n${fence}`),
    );
  }
  parts.push(findingMarker(fingerprint));
  return parts.join("\n\n");
}

/** One line for a finding listed in the summary instead of inline; the model's words filtered. */
export function renderFindingLine(
  finding: ModelFinding,
  note?: string,
  links?: RepositoryLinks,
): string {
  const where = `${inlineCode(finding.path)}${finding.line ? ` line ${finding.line}` : ""}`;
  const suffix = note ? ` _(${note})_` : "";
  const title = filterOutgoingText(finding.title.trim(), { links, inline: true });
  const explanation = filterOutgoingText(finding.explanation.trim(), { links });
  return `- **${SEVERITY_LABEL[finding.severity]}** ${where}: ${title}${suffix}\n  ${explanation.replace(/\n/g, "\n  ")}`;
}

/** A code fence longer than any backtick run in `text`, so the block cannot be closed early. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return "`".repeat(longest + 1);
}
