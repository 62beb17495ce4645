import type { Transaction } from "kysely";
import type { PgBoss } from "pg-boss";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseSchema } from "../../src/db/schema.ts";
import { recordAndEnqueue } from "../../src/handlers/record-and-enqueue.ts";
import type { JobName } from "../../src/queue/jobs.ts";
import { startQueue } from "../../src/queue/start-queue.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

const log = silentLogger();
const delivery = { id: "delivery-1", event: "pull_request.closed" };
const reactionsJob = (pullNumber: number) => ({
  name: "collect-reactions" as const,
  payload: {
    installationId: 7,
    repositoryId: 10,
    owner: "octo",
    repo: "demo",
    pullNumber,
    deliveryId: delivery.id,
  },
});

describe.each(backends)("recordAndEnqueue on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let boss: PgBoss;

  beforeEach(async () => {
    handle = await createTestDatabase(backend);
    boss = await startQueue(handle, { log, schema: handle.queueSchema, retryDelaySeconds: 0 });
    // The first run migrates the shared PGlite template, slow on a busy machine.
  }, 180_000);
  afterEach(async () => {
    await boss.stop({ graceful: false, close: true, timeout: 1000 });
    await handle.close();
  });

  const deps = () => ({ db: handle.db, boss });
  const queued = async (name: JobName) => (await boss.findJobs(name, {})).map((job) => job.data);
  const deliveries = () =>
    handle.db.selectFrom("webhook_deliveries").select(["delivery_id", "event"]).execute();
  const installations = () => handle.db.selectFrom("installations").select("id").execute();
  const writeInstallation = async (trx: Transaction<DatabaseSchema>) => {
    await trx
      .insertInto("installations")
      .values({ id: 7, account_login: "octo", account_type: "User" })
      .execute();
  };

  it("records the delivery, writes the rows and queues every job", async () => {
    const outcome = await recordAndEnqueue(
      deps(),
      delivery,
      [reactionsJob(1), reactionsJob(2)],
      writeInstallation,
    );
    expect(outcome).toBe("queued");
    expect(await deliveries()).toEqual([{ delivery_id: delivery.id, event: delivery.event }]);
    expect(await installations()).toEqual([{ id: 7 }]);
    // The queue lists jobs in no particular order.
    const jobs = (await queued("collect-reactions")) as { pullNumber: number }[];
    expect(jobs.sort((a, b) => a.pullNumber - b.pullNumber)).toEqual([
      reactionsJob(1).payload,
      reactionsJob(2).payload,
    ]);
  });

  it("does nothing for a redelivery: no second job, no second write", async () => {
    await recordAndEnqueue(deps(), delivery, [reactionsJob(1)]);
    let wrote = false;
    const outcome = await recordAndEnqueue(deps(), delivery, [reactionsJob(1)], async () => {
      wrote = true;
    });
    expect(outcome).toBe("redelivery");
    expect(wrote).toBe(false);
    expect(await queued("collect-reactions")).toHaveLength(1);
  });

  it("leaves nothing behind when a write fails, so GitHub's redelivery does the work", async () => {
    await expect(
      recordAndEnqueue(deps(), delivery, [reactionsJob(1)], async (trx) => {
        await writeInstallation(trx);
        throw new Error("database went away");
      }),
    ).rejects.toThrow("database went away");
    expect(await deliveries()).toEqual([]);
    expect(await installations()).toEqual([]);
    expect(await queued("collect-reactions")).toEqual([]);

    expect(await recordAndEnqueue(deps(), delivery, [reactionsJob(1)], writeInstallation)).toBe(
      "queued",
    );
    expect(await queued("collect-reactions")).toHaveLength(1);
  });

  it("says already-queued when a queued job with the same singleton key absorbs it", async () => {
    const review = (deliveryId: string) => ({
      name: "review-pull-request" as const,
      singletonKey: "10#7",
      payload: {
        installationId: 1,
        repositoryId: 10,
        owner: "octo",
        repo: "demo",
        pullNumber: 7,
        trigger: "synchronize" as const,
        mode: "incremental" as const,
        deliveryId,
        headSha: "a".repeat(40),
      },
    });
    expect(await recordAndEnqueue(deps(), { id: "d-1", event: "x" }, [review("d-1")])).toBe(
      "queued",
    );
    expect(await recordAndEnqueue(deps(), { id: "d-2", event: "x" }, [review("d-2")])).toBe(
      "already-queued",
    );
    expect(await queued("review-pull-request")).toHaveLength(1);
  });
});
