import type { Database } from "../db/open-database.ts";
import type { Finding, NewFinding, NewReview, Review, ReviewTable } from "../db/schema.ts";
import { sql, type Updateable } from "kysely";

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

/**
 * Stores findings. One already stored with the same fingerprint on this PR is left as it is (a
 * retry stores nothing twice), except when this review raised it again: an `addressed` finding
 * raised again, or a `summary` one now posted inline, takes the new row's place, status and
 * comment id, so the next review knows it is open and does not post it once more.
 */
export async function insertFindings(db: Database, findings: NewFinding[]): Promise<void> {
  if (findings.length === 0) return;
  await db
    .insertInto("findings")
    .values(findings)
    .onConflict((oc) =>
      oc
        .columns(["repository_id", "pull_number", "fingerprint"])
        .doUpdateSet((eb) => ({
          review_id: eb.ref("excluded.review_id"),
          status: eb.ref("excluded.status"),
          github_comment_id: eb.ref("excluded.github_comment_id"),
          head_sha: eb.ref("excluded.head_sha"),
          side: eb.ref("excluded.side"),
          start_line: eb.ref("excluded.start_line"),
          line: eb.ref("excluded.line"),
          body: eb.ref("excluded.body"),
          suggestion: eb.ref("excluded.suggestion"),
          addressed_at: null,
          addressed_sha: null,
          updated_at: sql<Date>`now()`,
        }))
        .where((eb) =>
          eb.or([
            eb("findings.status", "=", "addressed"),
            eb.and([eb("findings.status", "=", "summary"), eb("excluded.status", "=", "open")]),
          ]),
        ),
    )
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
