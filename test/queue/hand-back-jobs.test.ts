import type { PgBoss } from "pg-boss";
import { afterEach, describe, expect, it } from "vitest";
import type { ReviewJob } from "../../src/queue/jobs.ts";
import { sendJob } from "../../src/queue/send-job.ts";
import { startQueue } from "../../src/queue/start-queue.ts";
import { workJobs } from "../../src/queue/work-jobs.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";
import { waitFor } from "../helpers/wait-for.ts";

const log = silentLogger();

const job: ReviewJob = {
  installationId: 1,
  repositoryId: 10,
  owner: "octo",
  repo: "demo",
  pullNumber: 7,
  trigger: "opened",
  mode: "full",
  deliveryId: "d-1",
  headSha: "a".repeat(40),
};

describe.each(backends)("a stopping worker hands its running jobs back (%s)", (backend) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("aborts the handler and puts the job back uncounted, and another worker runs it at once", async () => {
    const handle = await createTestDatabase(backend);
    cleanups.push(() => handle.close());
    // The queue's own retry delay (no override): a handed-back job must not wait for it.
    const boss: PgBoss = await startQueue(handle, { log, schema: handle.queueSchema });
    cleanups.push(() => boss.stop({ graceful: false, close: true, timeout: 1000 }));

    const handBack = new AbortController();
    const attempts: { worker: string; retryCount: number }[] = [];
    const first = await workJobs(
      boss,
      "review-pull-request",
      async (_payload, context) => {
        attempts.push({ worker: "first", retryCount: context.retryCount });
        await new Promise((_resolve, reject) =>
          context.signal.addEventListener("abort", () => reject(context.signal.reason)),
        );
      },
      {
        log,
        concurrency: 1,
        pollSeconds: 0.5,
        handBack: { signal: handBack.signal, queueSchema: handle.queueSchema },
      },
    );
    const id = (await sendJob(boss, "review-pull-request", job, { singletonKey: "10#7" }))!;
    await waitFor(
      () => attempts.length === 1,
      () => "the job never started",
    );

    const stopped = boss.offWork("review-pull-request", { id: first, wait: true });
    handBack.abort(new Error("stopping"));
    await stopped;
    const back = await boss.getJobById("review-pull-request", id);
    expect(back).toMatchObject({ state: "retry", retryCount: 0, startedOn: null });
    expect(back!.startAfter.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    await workJobs(
      boss,
      "review-pull-request",
      async (_payload, context) => {
        attempts.push({ worker: "second", retryCount: context.retryCount });
      },
      { log, concurrency: 1, pollSeconds: 0.5 },
    );
    await waitFor(
      async () => (await boss.getJobById("review-pull-request", id))?.state === "completed",
      () => `the job was not completed: ${JSON.stringify(attempts)}`,
      10_000,
    );
    expect(attempts).toEqual([
      { worker: "first", retryCount: 0 },
      { worker: "second", retryCount: 0 },
    ]);
  });
});
