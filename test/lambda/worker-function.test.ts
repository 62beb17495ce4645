import { describe, expect, it } from "vitest";
import { createWorkerFunction, REDELIVERY_EVENT } from "../../src/lambda/worker-function.ts";
import { createMetrics } from "../../src/metrics/create-metrics.ts";
import { PermanentJobError } from "../../src/queue/job-errors.ts";
import { deadLetterQueueOf, HEARTBEAT_SECONDS, type ReviewJob } from "../../src/queue/jobs.ts";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { createTestProbot } from "../helpers/revue-harness.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import {
  changedFiles,
  INSTALLATION_ID,
  modelReview,
  pullRequestOpened,
  PULL_NUMBER,
  REPOSITORY_ID,
  reviewJobFor,
} from "../helpers/fixtures.ts";
import { lambdaContext } from "./lambda-events.ts";

const job = reviewJobFor;

describe.each(backends)("Lambda worker function on %s", (backend) => {
  // The queue as the Lambda functions run it; the worker function is handed its own Probot, as
  // open-lambda-runtime.ts builds one, and the harness's database, queue and config.
  const { harness, github } = useHarness(backend, {
    env: { REVUE_MODEL_MAX_RETRIES: "0" },
    queue: { background: false },
  });
  const log = silentLogger();
  const probot = createTestProbot(log);
  const deps = () => ({
    config: harness().config,
    db: harness().db.db,
    boss: harness().boss,
    log,
    probot,
  });

  const send = (pullNumber: number) =>
    harness().boss.send("review-pull-request", job(pullNumber), { singletonKey: `k${pullNumber}` });

  it("drains the queue with the real review handler and stops when it is empty", async () => {
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github().files.set(PULL_NUMBER, changedFiles());
    new FakeAnthropic([{ review: modelReview() }]).install();
    const id = await send(PULL_NUMBER);
    const metrics = createMetrics();
    const drain = createWorkerFunction({ ...deps(), metrics });

    const summary = await drain({ source: "aws.events" }, lambdaContext(300_000));

    expect(summary).toEqual({
      completed: 1,
      failed: 0,
      deadLettered: 0,
      handedBack: 0,
      stoppedBecause: "queue empty",
    });
    expect(github().calls("POST", /\/pulls\/2\/reviews$/)).toHaveLength(1);
    const [done] = await harness().boss.findJobs("review-pull-request", { id: id! });
    expect(done!.state).toBe("completed");
    expect(await metrics.registry.getSingleMetricAsString("revue_reviews_total")).toContain(
      'revue_reviews_total{outcome="posted"} 1',
    );
  });

  it("on its redelivery schedule, asks GitHub to redeliver what was lost, once", async () => {
    const failed = {
      id: 7001,
      guid: "lost-while-cold",
      delivered_at: new Date(Date.now() - 3600_000).toISOString(),
      redelivery: false,
      duration: 10,
      status: "timed out",
      status_code: 504,
      event: "pull_request",
      action: "opened",
      installation_id: INSTALLATION_ID,
      repository_id: REPOSITORY_ID,
    };
    github().hookDeliveries = [failed];
    const drain = createWorkerFunction(deps());

    // The one-minute drain does not ask; the ten-minute schedule does, and only once.
    expect(await drain({ source: "aws.events" }, lambdaContext(300_000))).toMatchObject({
      completed: 0,
    });
    expect(github().redeliveryRequests).toEqual([]);
    // Each run: the redelivery and the sweep of orphaned reviews.
    const ran = { completed: 2, failed: 0, deadLettered: 0 };
    expect(await drain(REDELIVERY_EVENT, lambdaContext(300_000))).toMatchObject(ran);
    expect(await drain(REDELIVERY_EVENT, lambdaContext(300_000))).toMatchObject(ran);
    expect(github().redeliveryRequests).toEqual([failed.id]);
  });

  it("starts nothing when too little time is left, and leaves the job queued", async () => {
    const id = await send(7);
    const drain = createWorkerFunction(deps());
    const summary = await drain({}, lambdaContext(60_000)); // default cut-off: 120 s
    expect(summary).toMatchObject({ completed: 0, stoppedBecause: "time nearly up" });
    const [waiting] = await harness().boss.findJobs("review-pull-request", { id: id! });
    expect(waiting!.state).toBe("created");
  });

  it("hands back a job still running when time is nearly up, so it retries", async () => {
    const id = await send(8);
    let sawAbort = false;
    const drain = createWorkerFunction({
      ...deps(),
      startCutoffMs: 200,
      handBackMs: 100,
      handlers: {
        "review-pull-request": (_payload, context) =>
          new Promise<void>((resolve) => {
            context.signal.addEventListener("abort", () => {
              sawAbort = true;
              resolve();
            });
          }),
      },
    });
    const summary = await drain({}, lambdaContext(600));
    expect(summary).toMatchObject({ handedBack: 1, stoppedBecause: "time nearly up" });
    expect(sawAbort).toBe(true);
    const [retry] = await harness().boss.findJobs("review-pull-request", { id: id! });
    expect(retry!.state).toBe("retry");
  });

  it("keeps the running job's heartbeat fresh, so no supervisor takes it for a dead one", async () => {
    const id = await send(11);
    const heartbeats: (Date | null | undefined)[] = [];
    const drain = createWorkerFunction({
      ...deps(),
      handlers: {
        "review-pull-request": async () => {
          const read = async () =>
            (await harness().boss.getJobById("review-pull-request", id!))?.heartbeatOn;
          heartbeats.push(await read());
          // Past one refresh (every HEARTBEAT_SECONDS / 2).
          await new Promise((resolve) => setTimeout(resolve, (HEARTBEAT_SECONDS / 2) * 1000 + 800));
          heartbeats.push(await read());
        },
      },
    });
    expect(await drain({}, lambdaContext(300_000))).toMatchObject({ completed: 1 });
    expect(heartbeats[1]!.getTime()).toBeGreaterThan(heartbeats[0]!.getTime());
  });

  it("retries an ordinary failure and dead-letters a permanent one", async () => {
    await send(9);
    await send(10);
    const drain = createWorkerFunction({
      ...deps(),
      handlers: {
        "review-pull-request": async (payload, context) => {
          if (payload.pullNumber === 9) throw new PermanentJobError("gone");
          if (context.retryCount === 0) throw new Error("flaky");
        },
      },
    });
    const summary = await drain({}, lambdaContext(300_000));
    // 9 dead-letters; 10 fails once and, retried at once (retry delay 0), completes.
    expect(summary).toMatchObject({ deadLettered: 1, failed: 1, completed: 1 });
    const dead = await harness().boss.findJobs(deadLetterQueueOf("review-pull-request"), {});
    expect(dead.map((j) => (j.data as ReviewJob).pullNumber)).toEqual([9]);
  });
});
