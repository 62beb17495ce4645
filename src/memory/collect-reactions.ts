import type { Logger } from "pino";
import type { Database } from "../db/open-database.ts";
import { statusOf, type Octokit, type PullTarget } from "../github/github-types.ts";

/**
 * Reads the 👍/👎 on Revue's inline comments of one pull request and stores the counts on their
 * findings (GitHub sends no webhook for reactions, so Revue reads them when the pull request
 * closes and before each new review of it). Reactions by bots are not counted. Idempotent: counts
 * are overwritten, not added. A deleted comment (404) is skipped. Returns how many were read.
 */
export async function collectReactions(
  db: Database,
  octokit: Octokit,
  target: PullTarget,
  log: Logger,
  now: () => Date = () => new Date(),
): Promise<number> {
  const findings = await db
    .selectFrom("findings")
    .select(["id", "github_comment_id"])
    .where("installation_id", "=", target.installationId)
    .where("repository_id", "=", target.repositoryId)
    .where("pull_number", "=", target.pullNumber)
    .where("github_comment_id", "is not", null)
    .execute();
  let read = 0;
  for (const finding of findings) {
    let reactions: { content: string; user: { type?: string } | null }[];
    try {
      reactions = await octokit.paginate(octokit.rest.reactions.listForPullRequestReviewComment, {
        owner: target.owner,
        repo: target.repo,
        comment_id: Number(finding.github_comment_id),
        per_page: 100,
      });
    } catch (error) {
      if (statusOf(error) === 404) continue;
      throw error;
    }
    const people = reactions.filter((r) => r.user?.type !== "Bot");
    await db
      .updateTable("findings")
      .set({
        thumbs_up: people.filter((r) => r.content === "+1").length,
        thumbs_down: people.filter((r) => r.content === "-1").length,
        reactions_read_at: now(),
      })
      .where("id", "=", finding.id)
      .execute();
    read += 1;
  }
  log.info({ comments: read }, "reactions on Revue's comments read");
  return read;
}
