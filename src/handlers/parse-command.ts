export type Command =
  | { kind: "re-review" }
  | { kind: "review" }
  | { kind: "help" }
  | { kind: "unknown"; word: string }
  // Team memory (src/memory): the only commands that take an argument.
  | { kind: "remember"; text: string }
  | { kind: "forget"; id: number }
  | { kind: "forget-stale" }
  | { kind: "memories" };

/** The longest statement `remember` keeps. */
export const MAX_MEMORY_CHARS = 500;

/**
 * Finds `@<slug> <command>` in a comment (case-insensitive, outside quoted `>` lines and code
 * blocks). Returns null when the comment does not address the App. Arguments after the command
 * are ignored (except `remember`'s statement and `forget`'s id): a comment never changes settings.
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
  if (word === "memories" || word === "memory") return { kind: "memories" };
  const rest = text.slice(match.index + match[0].length);
  if (word === "remember") {
    const statement = rest.trim().replace(/\s+/g, " ").slice(0, MAX_MEMORY_CHARS);
    return statement ? { kind: "remember", text: statement } : { kind: "unknown", word };
  }
  if (word === "forget" && /^\s*stale\b/i.test(rest)) return { kind: "forget-stale" };
  if (word === "forget") {
    const id = /^\s*#?(\d{1,15})\b/.exec(rest);
    return id ? { kind: "forget", id: Number(id[1]) } : { kind: "unknown", word };
  }
  return { kind: "unknown", word };
}

export function helpText(slug: string): string {
  return [
    `**Revue commands** (comment on a pull request):`,
    "",
    `- \`@${slug} review\`: review what changed since the last review`,
    `- \`@${slug} re-review\`: review the whole pull request again`,
    `- \`@${slug} help\`: this message`,
    `- \`@${slug} remember <text>\`: remember a team convention for this repository`,
    `- \`@${slug} memories\`: list what Revue remembers here, with ids`,
    `- \`@${slug} forget <id>\`: delete a memory (\`forget stale\`: every stale one)`,
    "",
    "Reviews need write, maintain or admin permission on the repository. Settings live in `.github/revue.yml` on the default branch.",
  ].join("\n");
}
