import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { GENERIC_FAILURE, WEBHOOK_DEADLINE_MS } from "../../src/app/answer-generic-failure.ts";
import { pullRequestOpened } from "../helpers/fixtures.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { waitFor } from "../helpers/wait-for.ts";

describe("a webhook whose delivery cannot be recorded", () => {
  const { harness } = useHarness("pglite");

  it("answers 500 with a generic message, not the database's error", async () => {
    // The database fails the intake, as an outage does (whose error names the server's address).
    await sql`drop table webhook_deliveries cascade`.execute(harness().db.db);
    const response = await harness().send("pull_request", pullRequestOpened(), "lost-1");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toContain(GENERIC_FAILURE);
    expect(text).not.toMatch(/webhook_deliveries|relation|at .*\.ts:\d+/);
  });
});

describe.each(backends)("a webhook whose delivery cannot be stored in time (%s)", (backend) => {
  const { harness } = useHarness(backend);

  it("answers 500 before GitHub's 10 s, never 202, and its redelivery is stored once", async () => {
    const { db, queueSchema } = harness().db;
    // The database hangs: another transaction holds the deliveries table.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.transaction().execute(async (trx) => {
      await sql`lock table webhook_deliveries in access exclusive mode`.execute(trx);
      locked();
      await released;
    });
    await isLocked;

    const started = Date.now();
    const response = await harness().send("pull_request", pullRequestOpened(), "slow-1");
    const elapsed = Date.now() - started;
    release();
    await holder;

    expect(response.status).toBe(500);
    expect(await response.text()).toContain(GENERIC_FAILURE);
    expect(elapsed).toBeGreaterThanOrEqual(WEBHOOK_DEADLINE_MS - 100);
    expect(elapsed).toBeLessThan(9000);

    // The late write lands; GitHub's redelivery of the same delivery then enqueues nothing more.
    const reviewJobs = async () =>
      Number(
        (
          await sql<{ count: string }>`select count(*) as count from ${sql.id(queueSchema)}.job
            where name = 'review-pull-request'`.execute(db)
        ).rows[0]!.count,
      );
    await waitFor(
      async () => (await reviewJobs()) === 1,
      async () => `review jobs: ${await reviewJobs()}`,
    );
    const again = await harness().send("pull_request", pullRequestOpened(), "slow-1");
    expect(again.status).toBe(200);
    expect(await reviewJobs()).toBe(1);
  }, 30_000);
});
