import type { Logger } from "pino";
import type { Queue } from "pg-boss";
import type { ReviewMode, ReviewTrigger } from "../db/schema.ts";
import type { IndexRepositoryJob } from "./index-job.ts";

export type { IndexRepositoryJob };
import type { CollectReactionsJob, LearnFromReplyJob, MemoryCommandJob } from "./memory-jobs.ts";

/** A pull request review: the worker reads the PR's current head, so a queued job reviews the newest push. */
export type ReviewJob = {
  installationId: number;
  repositoryId: number;
  owner: string;
  repo: string;
  pullNumber: number;
  trigger: ReviewTrigger;
  mode: ReviewMode;
  /** The webhook delivery that asked for it, for logs. */
  deliveryId: string;
  /** The head the webhook saw; the worker still reads the current head from GitHub. */
  headSha: string;
  /** Who asked, for a command. */
  requestedBy?: string;
};

/**
 * Drop the code index of repositories the App can no longer read: every repository of an
 * installation that was deleted, or the repositories removed from one.
 */
export type DropCodeIndexJob = {
  installationId: number;
  /** The repositories whose index goes; null: every repository of the installation. */
  repositoryIds: number[] | null;
  /** The webhook delivery that asked for it, for logs. */
  deliveryId: string;
};

/**
 * Ask GitHub to redeliver the webhook deliveries Revue did not store (src/recovery): sent when the
 * workers start and every REDELIVERY_CRON after.
 */
export type RedeliverDeliveriesJob = { reason: "start" | "schedule" };

/**
 * Close the reviews whose job is over but whose row is still running (src/review/close-orphan-reviews.ts):
 * sent when the workers start and every ORPHAN_SWEEP_CRON after.
 */
export type CloseOrphanReviewsJob = { reason: "start" | "schedule" };

/** When orphaned reviews are looked for again (pg-boss cron, UTC). */
export const ORPHAN_SWEEP_CRON = "*/5 * * * *";

/** When the redelivery of failed deliveries runs again (pg-boss cron, UTC). */
export const REDELIVERY_CRON = "*/10 * * * *";

/** Every job, by name, with its payload. Senders and workers both use this map, so they cannot drift. */
export type JobPayloads = {
  "review-pull-request": ReviewJob;
  "index-repository": IndexRepositoryJob;
  "drop-code-index": DropCodeIndexJob;
  "memory-command": MemoryCommandJob;
  "learn-from-reply": LearnFromReplyJob;
  "collect-reactions": CollectReactionsJob;
  "redeliver-failed-deliveries": RedeliverDeliveriesJob;
  "close-orphan-reviews": CloseOrphanReviewsJob;
};

export type JobName = keyof JobPayloads;

export type JobContext = {
  /** A logger whose every line carries the job's id and name. */
  log: Logger;
  jobId: string;
  /** 0 on the first attempt. */
  retryCount: number;
  /**
   * Aborted when the job must stop: the worker is stopping and the shutdown grace is over (the job
   * goes back to the queue), the job expired, or its heartbeat was lost. Return or throw soon.
   */
  signal: AbortSignal;
};

export type JobHandler<N extends JobName> = (
  payload: JobPayloads[N],
  context: JobContext,
) => Promise<void>;

/** The name of the queue a job lands in when it has used up its retries. */
export function deadLetterQueueOf(name: JobName): string {
  return `${name}-dead`;
}

type QueueDefinition = Omit<Queue, "name" | "deadLetter">;

/**
 * Every queue's heartbeat (pg-boss's minimum): a running job's worker refreshes it every 5 s, and a
 * job not refreshed for 10 s belongs to a process that died, so the supervisor fails it (start-queue
 * checks every 10 s) and it is retried, instead of staying `active` until `expireInSeconds` and,
 * for a keyed queue, holding every newer job of its key behind it.
 */
export const HEARTBEAT_SECONDS = 10;

/**
 * Queue settings per job.
 * Reviews use the `stately` policy keyed per pull request: at most one queued and one active job
 * per PR, so a burst of pushes collapses into one queued review that reads the newest head.
 */
export const QUEUES: Record<JobName, QueueDefinition> = {
  // The first retry comes 10-20 s after a failure: with the heartbeat (10 s) and the supervisor's
  // 10 s round, a review whose process died runs again within a minute.
  "review-pull-request": {
    policy: "stately",
    retryLimit: 3,
    retryDelay: 10,
    retryBackoff: true,
    retryDelayMax: 600,
    expireInSeconds: 15 * 60,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    notify: true,
  },
  // Keyed per repository (indexKey): a burst of pushes collapses into one queued job, and two
  // indexes of one repository never run at once. The worker reads the branch head itself.
  "index-repository": {
    policy: "stately",
    retryLimit: 3,
    retryDelay: 30,
    retryBackoff: true,
    retryDelayMax: 900,
    expireInSeconds: 60 * 60,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    notify: true,
  },
  // Deletes rows only: any attempt is safe to repeat, and a drop that finds nothing is done.
  "drop-code-index": {
    policy: "standard",
    retryLimit: 3,
    retryDelay: 30,
    retryBackoff: true,
    retryDelayMax: 900,
    expireInSeconds: 15 * 60,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    notify: true,
  },
  // Team memory (src/memory): small jobs, each safe to retry (replies carry a marker, rows are
  // checked before they are written).
  "memory-command": {
    policy: "standard",
    retryLimit: 3,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: 5 * 60,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    notify: true,
  },
  "learn-from-reply": {
    policy: "standard",
    retryLimit: 3,
    retryDelay: 20,
    retryBackoff: true,
    retryDelayMax: 600,
    expireInSeconds: 10 * 60,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    notify: true,
  },
  "collect-reactions": {
    policy: "standard",
    retryLimit: 3,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 10 * 60,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    notify: true,
  },
  // One queued or running at a time: a start and the schedule never ask GitHub twice at once
  // (and each guid is recorded before it is asked for).
  "redeliver-failed-deliveries": {
    policy: "exclusive",
    retryLimit: 2,
    retryDelay: 60,
    expireInSeconds: 5 * 60,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    notify: true,
  },
  // Like the redelivery: one at a time; a run that fails is simply the next run's work.
  "close-orphan-reviews": {
    policy: "exclusive",
    retryLimit: 1,
    retryDelay: 60,
    expireInSeconds: 5 * 60,
    heartbeatSeconds: HEARTBEAT_SECONDS,
    notify: true,
  },
};

/** The singleton key that makes review jobs per pull request. */
export function reviewKey(job: Pick<ReviewJob, "repositoryId" | "pullNumber">): string {
  return `${job.repositoryId}#${job.pullNumber}`;
}
