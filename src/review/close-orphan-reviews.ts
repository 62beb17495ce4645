import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { Probot } from "probot";
import { getAppSlug } from "../github/get-app-slug.ts";
import type { Database } from "../db/open-database.ts";
import type { Octokit } from "../github/github-types.ts";
import type { JobHandler, ReviewJob } from "../queue/jobs.ts";
import { checkRunExternalId, closeCheckRun, findCheckRun } from "./check-run.ts";
import { renderOrphanCheckRun } from "./render-review-texts.ts";
import { updateReview } from "./review-store.ts";

/** A review still `running` this long after it started is looked at; younger ones may be alive. */
export const ORPHAN_AFTER_MS = 5 * 60_000;

/** Job states after which no attempt of the job will run again. */
const FINAL_STATES = new Set(["completed", "failed", "cancelled"]);

/**
 * Closes the reviews no attempt will finish: a review row still `running` whose job is over
 * (its last attempt died with its process, so pg-boss failed it by its heartbeat and no handler
 * closed its check run). Its check run, left in progress on the head, is closed as failed
 * saying how to ask again, and the row is marked failed. A review whose job still has an
 * attempt to come (queued, active, retry) is left alone, and so is one whose job is gone
 * (nothing says where its check run is). Returns how many it closed; one that cannot be closed now
 * (GitHub refuses) is logged and tried on the next run.
 */
export async function closeOrphanReviews(deps: {
  db: Database;
  boss: PgBoss;
  auth: (installationId: number) => Promise<Octokit>;
  slug: () => Promise<string>;
  log: Logger;
  now?: () => Date;
}): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const running = await deps.db
    .selectFrom("reviews")
    .select(["id", "installation_id", "job_id", "check_run_id", "head_sha"])
    .where("status", "=", "running")
    .where("started_at", "<", new Date(now.getTime() - ORPHAN_AFTER_MS))
    .where("job_id", "is not", null)
    .execute();
  let closed = 0;
  for (const review of running) {
    const [job] = await deps.boss.findJobs<ReviewJob>("review-pull-request", {
      id: review.job_id!,
    });
    if (!job || !FINAL_STATES.has(job.state)) continue;
    try {
      const octokit = await deps.auth(review.installation_id);
      const repo = { owner: job.data.owner, repo: job.data.repo };
      // An attempt that died before storing its check run's id: found by the job's external id.
      const checkRunId =
        review.check_run_id !== null
          ? Number(review.check_run_id)
          : await findCheckRun(octokit, repo, review.head_sha, checkRunExternalId(review.job_id!));
      if (checkRunId !== null) {
        await closeCheckRun(octokit, repo, checkRunId, renderOrphanCheckRun(await deps.slug()));
      }
      await updateReview(deps.db, review.id, {
        status: "failed",
        status_reason: "the review's worker stopped on its last attempt",
        finished_at: now,
      });
      closed += 1;
    } catch (error) {
      deps.log.warn({ err: error, reviewId: review.id }, "an orphaned review could not be closed");
    }
  }
  if (closed > 0) deps.log.info({ closed }, "closed reviews whose worker stopped for good");
  return closed;
}

/** The `close-orphan-reviews` job (sent when workers start, then on a schedule). */
export function createCloseOrphansJobHandler(deps: {
  db: Database;
  boss: PgBoss;
  probot: Probot;
  now?: () => Date;
}): JobHandler<"close-orphan-reviews"> {
  return async (_payload, context) => {
    await closeOrphanReviews({
      db: deps.db,
      boss: deps.boss,
      auth: async (installationId) => (await deps.probot.auth(installationId)) as Octokit,
      slug: () => getAppSlug(deps.probot),
      log: context.log,
      now: deps.now,
    });
  };
}
