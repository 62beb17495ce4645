export type Command =
  { kind: "re-review" } | { kind: "review" } | { kind: "help" } | { kind: "unknown"; word: string };

/**
 * Finds `@<slug> <command>` in a comment (case-insensitive, outside quoted `>` lines and code
 * blocks). Returns null when the comment does not address the App. Arguments after the command
 * are ignored: a comment never changes settings.
 */
export function parseCommand(body: string, slug: string): Command | null {
  const text = body
    .replace(/```[\s\S]*?```/g, "")
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith(">"))
    .join("\n");
  const escaped = slug.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?:^|[^\\w/])@${escaped}(?:\\[bot\\])?\\b[ \\t]*([\\w-]*)`, "i").exec(
    text,
  );
  if (!match) return null;
  const word = (match[1] ?? "").toLowerCase();
  if (word === "re-review" || word === "rereview" || word === "full-review")
    return { kind: "re-review" };
  if (word === "review") return { kind: "review" };
  if (word === "help" || word === "") return { kind: "help" };
  return { kind: "unknown", word };
}

export function helpText(slug: string): string {
  return [
    `**Revue commands** (comment on a pull request):`,
    "",
    `- \`@${slug} review\`: review what changed since the last review`,
    `- \`@${slug} re-review\`: review the whole pull request again`,
    `- \`@${slug} help\`: this message`,
    "",
    "Reviews need write, maintain or admin permission on the repository. Settings live in `.github/revue.yml` on the default branch.",
  ].join("\n");
}
