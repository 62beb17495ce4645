import type { Context } from "aws-lambda";
import {
  deadLetterQueueOf,
  HEARTBEAT_SECONDS,
  type JobHandler,
  type JobName,
  type JobPayloads,
} from "../queue/jobs.ts";
import { sendJob } from "../queue/send-job.ts";
import { runJob } from "../queue/work-jobs.ts";
import { createJobHandlers, type WorkerDependencies } from "../runtime/create-job-handlers.ts";

export type WorkerFunctionDependencies = WorkerDependencies & {
  /** Start no new job with less than this left (a review usually takes well under it). Default 120 s. */
  startCutoffMs?: number;
  /** Abort the running job and hand it back with this much left. Default 10 s. */
  handBackMs?: number;
  /** Replaces some job handlers (tests). The rest are the ones `startWorkers` runs. */
  handlers?: Partial<{ [N in JobName]: JobHandler<N> }>;
};

export type DrainSummary = {
  completed: number;
  failed: number;
  deadLettered: number;
  /** Jobs stopped for lack of time and failed so that they retry. */
  handedBack: number;
  /** Why the drain stopped. */
  stoppedBecause: "queue empty" | "time nearly up";
};

/**
 * The AWS Lambda worker function, run on a schedule: fetches jobs one at a time and runs the same
 * handlers the long-running workers run, until the queues are empty or the invocation's time is
 * nearly up. A job still running when `handBackMs` remain is aborted and failed, so pg-boss retries
 * it (on the next invocation); the review pipeline is idempotent, so a retry continues it without
 * posting twice. A PermanentJobError goes to the dead-letter queue as `workJobs` sends it.
 */
export function createWorkerFunction(
  deps: WorkerFunctionDependencies,
): (event: unknown, context: Pick<Context, "getRemainingTimeInMillis">) => Promise<DrainSummary> {
  const handlers = { ...createJobHandlers(deps), ...deps.handlers } as {
    [N in JobName]: JobHandler<N>;
  };
  const drainOne = <N extends JobName>(name: N, msLeft: () => number) =>
    fetchAndRun(deps, name, handlers[name], msLeft);
  const startCutoffMs = deps.startCutoffMs ?? 120_000;
  const handBackMs = deps.handBackMs ?? 10_000;

  return async (event, context) => {
    // The template's second schedule: queue the redelivery of lost deliveries and the closing of
    // orphaned reviews, then drain as usual.
    if (isRedeliveryEvent(event)) {
      await sendJob(deps.boss, "redeliver-failed-deliveries", { reason: "schedule" });
      await sendJob(deps.boss, "close-orphan-reviews", { reason: "schedule" });
    }
    const summary: DrainSummary = {
      completed: 0,
      failed: 0,
      deadLettered: 0,
      handedBack: 0,
      stoppedBecause: "queue empty",
    };
    for (;;) {
      if (context.getRemainingTimeInMillis() < startCutoffMs) {
        summary.stoppedBecause = "time nearly up";
        break;
      }
      let ran = false;
      for (const name of Object.keys(handlers) as JobName[]) {
        const ended = await drainOne(name, () =>
          Math.max(0, context.getRemainingTimeInMillis() - handBackMs),
        );
        if (ended === "none") continue;
        ran = true;
        summary[ended] += 1;
        if (ended === "handedBack") {
          summary.stoppedBecause = "time nearly up";
          deps.log.info(summary, "worker function drained");
          return summary;
        }
      }
      if (!ran) break;
    }
    deps.log.info(summary, "worker function drained");
    return summary;
  };
}

/** Fetches one job of `name` and runs it until done or out of time; "none" when the queue is empty. */
async function fetchAndRun<N extends JobName>(
  deps: WorkerFunctionDependencies,
  name: N,
  handler: JobHandler<N>,
  msLeft: () => number,
): Promise<"none" | "completed" | "failed" | "deadLettered" | "handedBack"> {
  const [job] = await deps.boss.fetch<JobPayloads[N]>(name, { batchSize: 1 });
  if (!job) return "none";
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<"out of time">((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error("the Lambda invocation is nearly out of time"));
      resolve("out of time");
    }, msLeft());
  });
  // The queues have heartbeats: a supervisor elsewhere (a long-running process on the same database)
  // would fail a job not refreshed for HEARTBEAT_SECONDS. A refresh that fails is retried next time.
  const heartbeat = setInterval(
    () => {
      deps.boss.touch(name, { id: job.id, retryCount: job.retryCount }).catch(() => {});
    },
    (HEARTBEAT_SECONDS * 1000) / 2,
  );
  const attempt = runJob(name, { ...job, signal: controller.signal }, handler, {
    log: deps.log,
    metrics: deps.metrics,
  });
  const result = await Promise.race([attempt, outOfTime]);
  clearTimeout(timer);
  clearInterval(heartbeat);
  if (result === "out of time") {
    // The handler saw the abort; whatever it still does, the job goes back to the queue.
    await deps.boss.fail(name, job.id, {
      message: "handed back: the worker function ran out of time",
      name: "HandedBack",
      permanent: false,
    });
    deps.log.warn({ jobId: job.id, job: name }, "job handed back: out of time");
    return "handedBack";
  }
  if (result.status === "completed") {
    await deps.boss.complete(name, job.id);
    return "completed";
  }
  if (result.status === "deadletter") {
    // Fetched jobs cannot be dead-lettered directly: copy the payload there and close this one.
    await deps.boss.send(deadLetterQueueOf(name), job.data as object, {});
    await deps.boss.cancel(name, job.id);
    return "deadLettered";
  }
  await deps.boss.fail(name, job.id, result.output ?? null);
  return "failed";
}

/** The EventBridge input template.yaml's `Redeliver` schedule sends. */
export const REDELIVERY_EVENT = { revue: "redeliver-failed-deliveries" } as const;

function isRedeliveryEvent(event: unknown): boolean {
  return (event as { revue?: unknown } | null)?.revue === REDELIVERY_EVENT.revue;
}
