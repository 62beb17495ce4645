import type { Logger } from "pino";
import type { Database } from "../db/open-database.ts";
import { statusOf, type Octokit, type PullTarget } from "../github/github-types.ts";
import { createTeacherStanding, type TeacherStanding } from "./teacher-standing.ts";

type Reaction = { content: string; user: { login: string; type?: string } | null };

/**
 * Reads the 👍/👎 on Revue's inline comments of one pull request and stores the counts on their
 * findings (GitHub sends no webhook for reactions, so Revue reads them when the pull request
 * closes and before each new review of it). Only people who may teach are counted: those with
 * write access (`thumbs_up`/`thumbs_down`, repository-wide) and the pull request's author without
 * it (`author_thumbs_*`, this pull request only); bots and everyone else are not. One permission
 * call per distinct person for the whole run. `pullAuthor`, when the caller already read the pull
 * request, saves reading it again. Idempotent: counts are overwritten, not added. A deleted
 * comment (404) is skipped. Returns how many were read.
 */
export async function collectReactions(
  db: Database,
  octokit: Octokit,
  target: PullTarget & { pullAuthor?: string },
  log: Logger,
  now: () => Date = () => new Date(),
): Promise<number> {
  const standingOf = createTeacherStanding(octokit, target);
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
    let reactions: Reaction[];
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
    const votes = await countVotes(reactions, standingOf);
    await db
      .updateTable("findings")
      .set({
        thumbs_up: votes.writer.up,
        thumbs_down: votes.writer.down,
        author_thumbs_up: votes["pull-author"].up,
        author_thumbs_down: votes["pull-author"].down,
        reactions_read_at: now(),
      })
      .where("id", "=", finding.id)
      .execute();
    read += 1;
  }
  log.info({ comments: read }, "reactions on Revue's comments read");
  return read;
}

/** 👍/👎 counted by the standing of who gave them; bots' and outsiders' are left out. */
async function countVotes(
  reactions: readonly Reaction[],
  standingOf: (login: string) => Promise<TeacherStanding>,
): Promise<Record<TeacherStanding, { up: number; down: number }>> {
  const votes = {
    writer: { up: 0, down: 0 },
    "pull-author": { up: 0, down: 0 },
    outsider: { up: 0, down: 0 },
  };
  for (const reaction of reactions) {
    const vote = reaction.content === "+1" ? "up" : reaction.content === "-1" ? "down" : null;
    // Other reactions (🎉, ❤️) carry no verdict: nobody's permission is looked up for them.
    if (!vote || !reaction.user || reaction.user.type === "Bot") continue;
    votes[await standingOf(reaction.user.login)][vote] += 1;
  }
  return votes;
}
