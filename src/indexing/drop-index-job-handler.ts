import type { Database } from "../db/open-database.ts";
import { dropCodeIndex } from "../code-index/code-index-store.ts";
import { codeIndexDatabase } from "../code-index/code-index-tables.ts";
import type { DropCodeIndexJob, JobHandler } from "../queue/jobs.ts";

/**
 * The worker side of `drop-code-index`: deletes the index (files, chunks, state) of repositories
 * the App was removed from, or of every repository of a deleted installation, so Revue no longer
 * holds their code. A repository installed again by the time the job runs (removed, then added
 * back: its new index job may already have run) keeps its index. Idempotent: a second drop finds
 * nothing and is done. Throws the database's errors (the queue retries).
 */
export function createDropIndexJobHandler(deps: { db: Database }): JobHandler<"drop-code-index"> {
  return async (job, context) => {
    const dropped = await dropRemovedIndexes(deps.db, job);
    context.log.info(
      { installation: job.installationId, repositories: dropped ?? "all" },
      dropped?.length === 0 ? "index kept: installed again" : "code index dropped",
    );
  };
}

/** Drops what `job` names and is still not installed; returns the repository ids (null: all). */
export async function dropRemovedIndexes(
  db: Database,
  job: Pick<DropCodeIndexJob, "installationId" | "repositoryIds">,
): Promise<number[] | null> {
  if (job.repositoryIds === null) {
    // GitHub never reuses an installation id: a deleted installation's code always goes.
    await dropCodeIndex(codeIndexDatabase(db), job.installationId);
    return null;
  }
  const installed = await db
    .selectFrom("repositories")
    .select("id")
    .where("installation_id", "=", job.installationId)
    .where("id", "in", job.repositoryIds)
    .execute();
  const kept = new Set(installed.map((row) => row.id));
  const removed = job.repositoryIds.filter((id) => !kept.has(id));
  await dropCodeIndex(codeIndexDatabase(db), job.installationId, removed);
  return removed;
}
