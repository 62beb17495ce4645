import { sql } from "kysely";
import type { PgBoss } from "pg-boss";
import { afterEach, describe, expect, it } from "vitest";
import { enqueueReview } from "../../src/handlers/enqueue-review.ts";
import { PermanentJobError } from "../../src/queue/job-errors.ts";
import { deadLetterQueueOf, type ReviewJob } from "../../src/queue/jobs.ts";
import { sendJob } from "../../src/queue/send-job.ts";
import { startQueue } from "../../src/queue/start-queue.ts";
import { workJobs } from "../../src/queue/work-jobs.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

const log = silentLogger();

function reviewJob(overrides: Partial<ReviewJob> = {}): ReviewJob {
  return {
    installationId: 1,
    repositoryId: 10,
    owner: "octo",
    repo: "demo",
    pullNumber: 7,
    trigger: "opened",
    mode: "full",
    deliveryId: `delivery-${Math.random()}`,
    headSha: "a".repeat(40),
    ...overrides,
  };
}

/** Resolves when `predicate` holds, polling the queue's own state (no fixed sleeps). */
async function until(
  predicate: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each(backends)("queue on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let boss: PgBoss | undefined;

  async function setup() {
    handle = await createTestDatabase(backend);
    boss = await startQueue(handle, { log, schema: handle.queueSchema, retryDelaySeconds: 0 });
    return { handle, boss };
  }

  afterEach(async () => {
    await boss?.stop({ graceful: false, close: true, timeout: 1000 });
    await handle?.close();
    boss = undefined;
    handle = undefined;
  });

  it("sends and works a job", async () => {
    const { boss } = await setup();
    const seen: ReviewJob[] = [];
    await workJobs(boss, "review-pull-request", async (payload) => void seen.push(payload), {
      log,
      concurrency: 1,
      pollSeconds: 0.5,
    });
    const job = reviewJob();
    expect(await sendJob(boss, "review-pull-request", job)).toEqual(expect.any(String));
    await until(() => seen.length === 1);
    expect(seen[0]).toEqual(job);
  });

  it("retries a failing job, then dead-letters it", async () => {
    const { boss } = await setup();
    const attempts: number[] = [];
    await workJobs(
      boss,
      "review-pull-request",
      async (_payload, context) => {
        attempts.push(context.retryCount);
        throw new Error("GitHub is down");
      },
      { log, concurrency: 1, pollSeconds: 0.5 },
    );
    const id = await sendJob(boss, "review-pull-request", reviewJob());
    await until(
      async () => (await boss.getJobById("review-pull-request", id!))?.state === "failed",
    );
    expect(attempts).toEqual([0, 1, 2, 3]);
    const dead = await boss.fetch(deadLetterQueueOf("review-pull-request"));
    expect(dead).toHaveLength(1);
    expect(dead[0]?.data).toMatchObject({ pullNumber: 7 });
  });

  it("dead-letters a permanent failure without retrying", async () => {
    const { boss } = await setup();
    let attempts = 0;
    await workJobs(
      boss,
      "review-pull-request",
      async () => {
        attempts += 1;
        throw new PermanentJobError("pull request not found");
      },
      { log, concurrency: 1, pollSeconds: 0.5 },
    );
    const id = await sendJob(boss, "review-pull-request", reviewJob());
    await until(
      async () => (await boss.getJobById("review-pull-request", id!))?.state === "failed",
    );
    expect(attempts).toBe(1);
    const dead = await boss.fetch(deadLetterQueueOf("review-pull-request"));
    expect(dead).toHaveLength(1);
  });

  it("records a failure whose message quotes a NUL and a lone surrogate", async () => {
    const { boss } = await setup();
    await workJobs(
      boss,
      "review-pull-request",
      async () => {
        throw new PermanentJobError("the model wrote \u0000 and \ud83d");
      },
      { log, concurrency: 1, pollSeconds: 0.5 },
    );
    const id = await sendJob(boss, "review-pull-request", reviewJob());
    await until(
      async () => (await boss.getJobById("review-pull-request", id!))?.state === "failed",
    );
    const job = await boss.getJobById("review-pull-request", id!);
    expect(job!.output).toMatchObject({ message: "the model wrote \uFFFD and \uFFFD" });
  });

  it("suppresses a second review queued for the same pull request, and a redelivery", async () => {
    const { handle, boss } = await setup();
    const deps = { db: handle.db, boss };
    const first = reviewJob({ deliveryId: "d-1" });
    expect(await enqueueReview(deps, first, "pull_request.opened")).toBe("queued");
    expect(await enqueueReview(deps, first, "pull_request.opened")).toBe("redelivery");
    expect(
      await enqueueReview(deps, reviewJob({ deliveryId: "d-2" }), "pull_request.synchronize"),
    ).toBe("already-queued");
    expect(await enqueueReview(deps, reviewJob({ deliveryId: "d-3", pullNumber: 8 }), "x")).toBe(
      "queued",
    );
    const queued = await boss.fetch<ReviewJob>("review-pull-request", { batchSize: 10 });
    expect(queued.map((job) => job.data.pullNumber).sort()).toEqual([7, 8]);
  });

  it("puts back at start a queue setting changed in the database", async () => {
    const { handle } = await setup();
    await sql`
      UPDATE ${sql.table(`${handle.queueSchema}.queue`)} SET retry_limit = 99
      WHERE name = 'review-pull-request'`.execute(handle.db);
    const again = await startQueue(handle, {
      log,
      schema: handle.queueSchema,
      retryDelaySeconds: 0,
    });
    expect((await again.getQueue("review-pull-request"))?.retryLimit).toBe(3);
    await again.stop({ graceful: false, close: false, timeout: 1000 });
  });

  it("starts twice on the same database without error", async () => {
    const { handle, boss: first } = await setup();
    const second = await startQueue(handle, { log, schema: handle.queueSchema });
    expect(await second.getQueue("review-pull-request")).not.toBeNull();
    await second.stop({ graceful: false, close: false, timeout: 1000 });
    expect(await first.getQueue("review-pull-request")).not.toBeNull();
  });
});
