import type { Logger } from "pino";
import type { Database } from "../db/open-database.ts";
import type { Octokit, PullTarget } from "../github/github-types.ts";
import { compareCommits } from "../github/compare-commits.ts";
import { parsePatch, type Hunk } from "../diff/parse-patch.ts";

/**
 * Whether a diff changes any of the old file's lines `start..end`: a line there is deleted or
 * replaced, or a line is inserted between two of them. Pure.
 */
export function linesTouched(hunks: readonly Hunk[], start: number, end: number): boolean {
  for (const hunk of hunks) {
    let lastOld = hunk.oldStart - 1;
    for (const line of hunk.lines) {
      if (line.kind === "delete" && line.oldLine !== null) {
        if (line.oldLine >= start && line.oldLine <= end) return true;
      } else if (line.kind === "add") {
        if (lastOld >= start && lastOld < end) return true;
      }
      if (line.oldLine !== null) lastOld = line.oldLine;
    }
  }
  return false;
}

type CompareFile = { filename: string; status: string; patch?: string; previous_filename?: string };

/**
 * Marks the open inline findings of a pull request whose lines a later push changed as addressed:
 * for each commit findings were posted on, compares it with `headSha` and checks their lines
 * (right side) in the diff. A removed file addresses its findings; a file without a patch (binary,
 * too large) or a compare GitHub cannot give (force-push) decides nothing. Idempotent.
 * Returns how many findings became addressed.
 */
export async function detectAddressed(
  db: Database,
  octokit: Octokit,
  target: PullTarget,
  headSha: string,
  log: Logger,
  now: () => Date = () => new Date(),
): Promise<number> {
  const open = await db
    .selectFrom("findings")
    .select(["id", "path", "start_line", "line", "head_sha"])
    .where("installation_id", "=", target.installationId)
    .where("repository_id", "=", target.repositoryId)
    .where("pull_number", "=", target.pullNumber)
    .where("status", "=", "open")
    .where("side", "=", "RIGHT")
    .where("line", "is not", null)
    .where("head_sha", "!=", headSha)
    .execute();
  const byCommit = Map.groupBy(open, (f) => f.head_sha);
  let addressed = 0;
  for (const [commit, findings] of byCommit) {
    const comparison = await compareCommits(octokit, target, commit, headSha);
    if (comparison === null) continue;
    // After a force-push the old commit is no ancestor: the diff would start elsewhere.
    if (comparison.status !== "ahead") {
      log.info({ commit, status: comparison.status }, "addressed check skipped: history rewritten");
      continue;
    }
    const files = comparison.files as CompareFile[];
    const byOldPath = new Map(files.map((f) => [f.previous_filename ?? f.filename, f]));
    for (const finding of findings) {
      const file = byOldPath.get(finding.path);
      if (!file) continue;
      let touched = file.status === "removed";
      if (!touched && file.patch !== undefined) {
        try {
          const end = finding.line!;
          touched = linesTouched(parsePatch(file.patch), finding.start_line ?? end, end);
        } catch {
          touched = false;
        }
      }
      if (!touched) continue;
      await db
        .updateTable("findings")
        .set({
          status: "addressed",
          addressed_at: now(),
          addressed_sha: headSha,
          updated_at: now(),
        })
        .where("id", "=", finding.id)
        .where("status", "=", "open")
        .execute();
      addressed += 1;
    }
  }
  if (addressed > 0) log.info({ addressed }, "findings addressed by a later push");
  return addressed;
}
