import { sql } from "kysely";
import pg from "pg";
import type { PgBoss } from "pg-boss";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createGroupCommitIntake,
  type GroupCommitOptions,
} from "../../src/handlers/group-commit-intake.ts";
import type { IntakeEntry, JobToEnqueue } from "../../src/handlers/intake-entry.ts";
import { startQueue } from "../../src/queue/start-queue.ts";
import { reviewToEnqueue } from "../helpers/queue-database.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";
import { waitFor } from "../helpers/wait-for.ts";

const log = silentLogger();

const entry = (deliveryId: string, pullNumber: number): IntakeEntry => ({
  delivery: { id: deliveryId, event: "pull_request.opened" },
  jobs: [reviewToEnqueue(deliveryId, pullNumber)],
});

describe.each(backends)("the group-commit intake on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let boss: PgBoss;
  let closeIntake: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    handle = await createTestDatabase(backend);
    boss = await startQueue(handle, { log, schema: handle.queueSchema, retryDelaySeconds: 0 });
  }, 180_000);
  afterEach(async () => {
    await closeIntake?.();
    closeIntake = undefined;
    await boss.stop({ graceful: false, close: true, timeout: 1000 });
    await handle.close();
  });

  const intakeWith = (options: GroupCommitOptions) => {
    const intake = createGroupCommitIntake(
      { db: handle.db, boss, log, pool: handle.pool },
      options,
    );
    closeIntake = intake.close;
    return intake;
  };
  const deliveries = () =>
    handle.db
      .selectFrom("webhook_deliveries")
      .select(["delivery_id", "received_at"])
      .orderBy("delivery_id")
      .execute();
  const reviewJobs = async () =>
    (await boss.findJobs("review-pull-request", {})).map(
      (job) => (job.data as { deliveryId: string }).deliveryId,
    );

  it("stores deliveries that arrive together in one transaction, each with its job", async () => {
    const intake = intakeWith({ batchMs: 50, maxInFlight: 1 });
    const ids = Array.from({ length: 20 }, (_, i) => `d-${String(i).padStart(2, "0")}`);
    const outcomes = await Promise.all(ids.map((id, i) => intake.write(entry(id, i + 1))));
    expect(outcomes).toEqual(ids.map(() => "queued"));
    const rows = await deliveries();
    expect(rows.map((row) => row.delivery_id)).toEqual(ids);
    // now() is the transaction's start: one value for all twenty rows means one transaction.
    expect(new Set(rows.map((row) => row.received_at.getTime())).size).toBe(1);
    expect((await reviewJobs()).sort()).toEqual(ids);
  });

  it("takes at most maxBatch deliveries in one transaction", async () => {
    const intake = intakeWith({ batchMs: 50, maxBatch: 4, maxInFlight: 1 });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        intake.write(entry(`d-${String(i).padStart(2, "0")}`, i)),
      ),
    );
    const rows = await deliveries();
    expect(rows).toHaveLength(10);
    const sizes = new Map<number, number>();
    for (const row of rows) {
      sizes.set(row.received_at.getTime(), (sizes.get(row.received_at.getTime()) ?? 0) + 1);
    }
    expect([...sizes.values()].sort()).toEqual([2, 4, 4]);
  });

  it("stores a delivery id once, whether redelivered in the same batch or a later one", async () => {
    const intake = intakeWith({ batchMs: 50, maxInFlight: 1 });
    const first = await Promise.all([
      intake.write(entry("same", 1)),
      intake.write(entry("other", 2)),
      intake.write(entry("same", 1)),
    ]);
    expect(first).toEqual(["queued", "queued", "redelivery"]);
    expect(await intake.write(entry("same", 1))).toBe("redelivery");
    expect((await deliveries()).map((row) => row.delivery_id)).toEqual(["other", "same"]);
    expect((await reviewJobs()).sort()).toEqual(["other", "same"]);
  });

  it("lets a queued job absorb another with its singleton key, in the batch and after", async () => {
    const intake = intakeWith({ batchMs: 50, maxInFlight: 1 });
    const outcomes = await Promise.all([
      intake.write(entry("push-1", 7)),
      intake.write(entry("push-2", 7)),
    ]);
    expect(outcomes).toEqual(["queued", "already-queued"]);
    expect(await intake.write(entry("push-3", 7))).toBe("already-queued");
    // Every delivery is recorded (a redelivery of any of them does nothing); one review runs.
    expect(await deliveries()).toHaveLength(3);
    expect(await reviewJobs()).toEqual(["push-1"]);
  });

  it("fails a bad delivery alone: the others of its batch are stored and answered", async () => {
    const intake = intakeWith({ batchMs: 50, maxInFlight: 1 });
    // A NUL character, which PostgreSQL's jsonb refuses: the job's insert fails, and with it the
    // batch's transaction.
    const bad = entry("bad", 9);
    const job = bad.jobs[0] as Extract<JobToEnqueue, { name: "review-pull-request" }>;
    bad.jobs = [{ ...job, payload: { ...job.payload, headSha: "\u0000" } }];
    const settled = await Promise.allSettled([
      intake.write(entry("good-1", 1)),
      intake.write(bad),
      intake.write(entry("good-2", 2)),
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((await deliveries()).map((row) => row.delivery_id)).toEqual(["good-1", "good-2"]);
    expect((await reviewJobs()).sort()).toEqual(["good-1", "good-2"]);
  });

  it("writes what is waiting for its batch when closed, before the database closes", async () => {
    // A wait no test would sit through: only close() can write these in time.
    const intake = intakeWith({ batchMs: 600_000 });
    const written = Promise.all([
      intake.write(entry("late-1", 1)),
      intake.write(entry("late-2", 2)),
    ]);
    await intake.close();
    expect(await written).toEqual(["queued", "queued"]);
    expect((await deliveries()).map((row) => row.delivery_id)).toEqual(["late-1", "late-2"]);
  });

  it.runIf(backend === "postgres")(
    "answers no delivery of a batch before its commit",
    async () => {
      // A deferred trigger makes the batch's COMMIT wait for an advisory lock this test holds.
      const key = 700_000 + Math.floor(Math.random() * 100_000);
      await sql
        .raw(
          `create function hold_commit() returns trigger language plpgsql as $$
             begin perform pg_advisory_xact_lock(${key}); return null; end $$;
           create constraint trigger hold_commit after insert on webhook_deliveries
             deferrable initially deferred for each row execute function hold_commit();`,
        )
        .execute(handle.db);
      const holder = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await holder.connect();
      try {
        await holder.query("select pg_advisory_lock($1)", [key]);
        const intake = intakeWith({ batchMs: 5, maxInFlight: 1 });
        let answered = 0;
        const writes = Array.from({ length: 8 }, (_, i) =>
          intake.write(entry(`held-${i}`, i)).then((outcome) => {
            answered += 1;
            return outcome;
          }),
        );
        // The batch has written its rows and waits in COMMIT.
        await waitFor(
          async () =>
            (
              await holder.query(
                "select 1 from pg_locks where locktype = 'advisory' and objid = $1 and not granted",
                [key],
              )
            ).rowCount! > 0,
          () => "the batch never reached its commit",
          10_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(answered).toBe(0);
        const visible = await holder.query(
          `select count(*)::int as n from ${handle.schema}.webhook_deliveries`,
        );
        expect(visible.rows[0].n).toBe(0);

        await holder.query("select pg_advisory_unlock($1)", [key]);
        expect(await Promise.all(writes)).toEqual(writes.map(() => "queued"));
        expect(await deliveries()).toHaveLength(8);
      } finally {
        await holder.end();
      }
    },
    30_000,
  );
});
