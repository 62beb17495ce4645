import { sql } from "kysely";
import type { Database } from "../db/open-database.ts";

/*
 * Full reviews asked for by `@revue re-review`, counted on the pull request's row (migration 1212).
 *
 * The queue keeps one waiting review job per pull request (src/queue/jobs.ts), so a command that
 * arrives while one waits is absorbed into it, and that job may have been queued by a push whose
 * head gets reviewed before it runs. The command therefore also counts a request, in the
 * transaction that enqueues it; whichever review job of the pull request runs next reads the count
 * and reviews in full, even a head already reviewed, and marks the requests it saw answered when
 * it writes its review row. So a command is never lost, and is answered once.
 */

export type PullRef = { repositoryId: number; pullNumber: number };

/**
 * Counts one more full review asked for on the pull request, creating its row if needed. Call it
 * inside the transaction that records the command's delivery and enqueues its job: that takes the
 * row's lock until the commit, so a worker reading the count (readFullReviewRequest) meanwhile
 * waits for the commit instead of missing the request.
 */
export async function requestFullReview(
  db: Database,
  pull: PullRef & { installationId: number },
): Promise<void> {
  await db
    .insertInto("pull_requests")
    .values({
      repository_id: pull.repositoryId,
      number: pull.pullNumber,
      installation_id: pull.installationId,
      summary_comment_id: null,
      last_reviewed_head_sha: null,
      full_reviews_requested: 1,
    })
    .onConflict((oc) =>
      oc.columns(["repository_id", "number"]).doUpdateSet({
        full_reviews_requested: sql<number>`pull_requests.full_reviews_requested + 1`,
        updated_at: new Date(),
      }),
    )
    .execute();
}

/**
 * The number of full reviews asked for on the pull request when one is still owed (more asked for
 * than answered), else null. Reads with `FOR UPDATE`, so it waits for a command's transaction
 * that holds the row (see requestFullReview) rather than read around it; the lock ends with the
 * statement. Writes nothing.
 */
export async function readFullReviewRequest(db: Database, pull: PullRef): Promise<number | null> {
  const row = await db
    .selectFrom("pull_requests")
    .select(["full_reviews_requested", "full_reviews_answered"])
    .where("repository_id", "=", pull.repositoryId)
    .where("number", "=", pull.pullNumber)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.full_reviews_requested <= row.full_reviews_answered) return null;
  return row.full_reviews_requested;
}

/**
 * Marks the requests counted up to `requested` (what readFullReviewRequest returned) answered.
 * A request that came after that read stays owed. Idempotent.
 */
export async function answerFullReviewRequest(
  db: Database,
  pull: PullRef,
  requested: number,
): Promise<void> {
  await db
    .updateTable("pull_requests")
    .set({
      full_reviews_answered: sql<number>`greatest(full_reviews_answered, ${requested})`,
    })
    .where("repository_id", "=", pull.repositoryId)
    .where("number", "=", pull.pullNumber)
    .execute();
}
