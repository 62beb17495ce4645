import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PgBoss } from "pg-boss";
import { afterEach, describe, expect, it } from "vitest";
import { healthRoutes } from "../../src/app/health-routes.ts";
import { PermanentJobError } from "../../src/queue/job-errors.ts";
import type { ReviewJob } from "../../src/queue/jobs.ts";
import { sendJob } from "../../src/queue/send-job.ts";
import { startQueue } from "../../src/queue/start-queue.ts";
import { workJobs } from "../../src/queue/work-jobs.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";
import { waitFor } from "../helpers/wait-for.ts";

const log = silentLogger();

function reviewJob(pullNumber: number, deliveryId: string): ReviewJob {
  return {
    installationId: 1,
    repositoryId: 10,
    owner: "octo",
    repo: "demo",
    pullNumber,
    trigger: "opened",
    mode: "full",
    deliveryId,
    headSha: "a".repeat(40),
  };
}

describe.each(backends)("GET /ready on %s", (backend) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(): Promise<{ boss: PgBoss; ready(): Promise<Record<string, unknown>> }> {
    const handle = await createTestDatabase(backend);
    cleanups.push(() => handle.close());
    const boss = await startQueue(handle, { log, schema: handle.queueSchema });
    cleanups.push(() => boss.stop({ graceful: false, close: true, timeout: 1000 }));
    const routes = healthRoutes({ db: handle.db, boss, queueSchema: handle.queueSchema });
    const server: Server = createServer((req, res) => {
      void routes(req, res).then((handled) => handled || res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ready`;
    return {
      boss,
      ready: async () => {
        const response = await fetch(url);
        expect(response.status).toBe(200);
        return ((await response.json()) as { queues: Record<string, unknown> }).queues;
      },
    };
  }

  it("counts the jobs as they are when asked: active, queued and dead-lettered", async () => {
    const { boss, ready } = await setup();
    // pg-boss's getQueue() counts come from a cache its supervisor refreshes once a minute: read
    // it first, so a /ready that answered from it would still show nothing below.
    expect(await boss.getQueue("review-pull-request")).toMatchObject({ activeCount: 0 });
    let release = () => {};
    const started: string[] = [];
    await workJobs(
      boss,
      "review-pull-request",
      async (payload) => {
        started.push(payload.deliveryId);
        if (payload.pullNumber === 9) throw new PermanentJobError("pull request not found");
        await new Promise<void>((resolve) => (release = resolve));
      },
      { log, concurrency: 1, pollSeconds: 0.5 },
    );
    await sendJob(boss, "review-pull-request", reviewJob(7, "d-1"), { singletonKey: "10#7" });
    await waitFor(
      () => started.includes("d-1"),
      () => "the job never started",
    );

    expect(await ready()).toMatchObject({
      "review-pull-request": { queued: 0, active: 1, deadLettered: 0 },
    });

    // A newer push for the same pull request waits behind the running review.
    await sendJob(boss, "review-pull-request", reviewJob(7, "d-2"), { singletonKey: "10#7" });
    expect(await ready()).toMatchObject({
      "review-pull-request": { queued: 1, active: 1, deadLettered: 0 },
    });

    release();
    await waitFor(
      () => started.includes("d-2"),
      () => "the queued job never started",
    );
    release();
    await sendJob(boss, "review-pull-request", reviewJob(9, "d-3"), { singletonKey: "10#9" });
    const queues = await waitFor(
      async () => {
        const counts = (await ready())["review-pull-request"] as { deadLettered: number };
        return counts.deadLettered === 1 ? await ready() : undefined;
      },
      () => "the permanent failure never reached the dead-letter queue",
    );
    expect(queues).toMatchObject({
      "review-pull-request": { queued: 0, active: 0, deadLettered: 1 },
      "index-repository": { queued: 0, active: 0, deadLettered: 0 },
    });
  });
});
