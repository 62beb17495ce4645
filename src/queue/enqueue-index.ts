import type { PgBoss } from "pg-boss";
import { sendJob } from "./send-job.ts";
import { indexKey, type IndexRepositoryJob } from "./index-job.ts";

/**
 * Enqueues an index job per repository. Needs no delivery record: a job already queued for the
 * repository absorbs this one, and a repeated run finds the index at the branch head and does
 * nothing. Returns how many were queued (not absorbed).
 */
export async function enqueueIndex(boss: PgBoss, jobs: IndexRepositoryJob[]): Promise<number> {
  let queued = 0;
  for (const job of jobs) {
    if ((await sendJob(boss, "index-repository", job, { singletonKey: indexKey(job) })) !== null) {
      queued += 1;
    }
  }
  return queued;
}
