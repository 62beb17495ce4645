import type { Database } from "../db/open-database.ts";
import type { Finding, NewFinding, NewReview, Review, ReviewTable } from "../db/schema.ts";
import type { Updateable } from "kysely";

/** The review a job started earlier (a retried attempt continues it), if any. */
export async function findReviewByJob(db: Database, jobId: string): Promise<Review | undefined> {
  return db
    .selectFrom("reviews")
    .selectAll()
    .where("job_id", "=", jobId)
    .orderBy("id", "desc")
    .executeTakeFirst();
}

export async function insertReview(db: Database, review: NewReview): Promise<Review> {
  return db.insertInto("reviews").values(review).returningAll().executeTakeFirstOrThrow();
}

export async function updateReview(
  db: Database,
  id: number,
  patch: Updateable<ReviewTable>,
): Promise<void> {
  await db.updateTable("reviews").set(patch).where("id", "=", id).execute();
}

/** The newest review of this pull request that was posted. */
export async function lastPostedReview(
  db: Database,
  repositoryId: number,
  pullNumber: number,
): Promise<Review | undefined> {
  return db
    .selectFrom("reviews")
    .selectAll()
    .where("repository_id", "=", repositoryId)
    .where("pull_number", "=", pullNumber)
    .where("status", "=", "posted")
    .orderBy("id", "desc")
    .executeTakeFirst();
}

/** Every finding recorded on this pull request, whatever its status. */
export async function findingsOfPull(
  db: Database,
  repositoryId: number,
  pullNumber: number,
): Promise<Finding[]> {
  return db
    .selectFrom("findings")
    .selectAll()
    .where("repository_id", "=", repositoryId)
    .where("pull_number", "=", pullNumber)
    .execute();
}

/** Stores findings; one already stored with the same fingerprint on this PR is left as it is. */
export async function insertFindings(db: Database, findings: NewFinding[]): Promise<void> {
  if (findings.length === 0) return;
  await db
    .insertInto("findings")
    .values(findings)
    .onConflict((oc) => oc.columns(["repository_id", "pull_number", "fingerprint"]).doNothing())
    .execute();
}

export async function pullRequestState(db: Database, repositoryId: number, number: number) {
  return db
    .selectFrom("pull_requests")
    .selectAll()
    .where("repository_id", "=", repositoryId)
    .where("number", "=", number)
    .executeTakeFirst();
}

export async function savePullRequestState(
  db: Database,
  state: {
    repositoryId: number;
    number: number;
    installationId: number;
    summaryCommentId: number;
    lastReviewedHeadSha: string;
  },
): Promise<void> {
  await db
    .insertInto("pull_requests")
    .values({
      repository_id: state.repositoryId,
      number: state.number,
      installation_id: state.installationId,
      summary_comment_id: state.summaryCommentId,
      last_reviewed_head_sha: state.lastReviewedHeadSha,
    })
    .onConflict((oc) =>
      oc.columns(["repository_id", "number"]).doUpdateSet({
        summary_comment_id: state.summaryCommentId,
        last_reviewed_head_sha: state.lastReviewedHeadSha,
        updated_at: new Date(),
      }),
    )
    .execute();
}
