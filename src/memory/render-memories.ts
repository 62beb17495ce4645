import type { MemorySummary } from "./memory-store.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Stale: never used and older than 30 days, or not used for 90 days. Pure. */
export function isStale(memory: Pick<MemorySummary, "last_used_at" | "created_at">, now: Date) {
  const age = now.getTime() - new Date(memory.created_at).getTime();
  if (memory.last_used_at === null) return age > 30 * DAY_MS;
  return now.getTime() - new Date(memory.last_used_at).getTime() > 90 * DAY_MS;
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").trim();
}

/**
 * The reply to `@revue memories`: a table of what applies in this repository, with ids, scope,
 * origin and use, stale ones marked, and how to remove one.
 */
export function renderMemoryTable(memories: readonly MemorySummary[], slug: string, now: Date) {
  if (memories.length === 0) {
    return [
      "**Revue's memory for this repository is empty.**",
      "",
      `Teach it with \`@${slug} remember <what to remember>\`, or by replying to one of its review comments with a reason.`,
    ].join("\n");
  }
  const stale = memories.filter((m) => isStale(m, now)).length;
  const rows = memories.map((m) => {
    const scope = [
      m.repository_id === null ? "all repositories" : "this repository",
      m.author ? `PRs by @${m.author}` : null,
      m.path_glob ? `\`${cell(m.path_glob)}\`` : null,
    ]
      .filter(Boolean)
      .join(", ");
    const used =
      m.use_count === 0
        ? "never"
        : `${m.use_count}×, last ${new Date(m.last_used_at!).toISOString().slice(0, 10)}`;
    return `| ${m.id} | ${cell(m.statement)} | ${m.kind} | ${scope} | @${m.taught_by} (${m.source}) | ${used}${isStale(m, now) ? " · stale" : ""} |`;
  });
  return [
    `**What Revue remembers here** (${memories.length}${stale > 0 ? `, ${stale} stale` : ""})`,
    "",
    "| id | memory | kind | applies to | taught by | used |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    `Remove one with \`@${slug} forget <id>\`, every stale one with \`@${slug} forget stale\`. Stale: never used in 30 days, or unused for 90.`,
  ].join("\n");
}
