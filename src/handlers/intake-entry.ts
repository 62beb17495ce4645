import type { JobName, JobPayloads } from "../queue/jobs.ts";

/** One job to enqueue: its name, its payload, and its singleton key when its queue has one. */
export type JobToEnqueue<N extends JobName = JobName> = {
  [K in N]: { name: K; payload: JobPayloads[K]; singletonKey?: string };
}[N];

/**
 * `queued`: at least one job was queued; `already-queued`: every job was absorbed by one already
 * queued under the same singleton key (or there was none to send); `redelivery`: the delivery was
 * seen before, so nothing was written or queued.
 */
export type EnqueueOutcome = "queued" | "redelivery" | "already-queued";

/** One delivery to store: its id and event, and the jobs it enqueues. */
export type IntakeEntry = {
  delivery: { id: string; event: string };
  jobs: readonly JobToEnqueue[];
};
