import { sql } from "kysely";
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import { beforeEach, describe, expect, it } from "vitest";
import type { IntakeEntry, JobToEnqueue } from "../../src/handlers/intake-entry.ts";
import {
  recordAndEnqueueBatch,
  type BatchDependencies,
} from "../../src/handlers/record-and-enqueue-batch.ts";
import {
  createEnqueueFunctions,
  type EnqueueFunctions,
} from "../../src/queue/create-enqueue-functions.ts";
import type { JobName } from "../../src/queue/jobs.ts";
import {
  reviewToEnqueue,
  useQueueDatabase,
  type QueueDatabase,
} from "../helpers/queue-database.ts";
import { backends } from "../helpers/test-database.ts";

const review = reviewToEnqueue;
const index = (deliveryId: string, repositoryId: number): JobToEnqueue => ({
  name: "index-repository",
  singletonKey: `index#${repositoryId}`,
  payload: {
    installationId: 1,
    repositoryId,
    owner: "octo",
    repo: `repo-${repositoryId}`,
    defaultBranch: "main",
    reason: "push",
    deliveryId,
  },
});
const entry = (id: string, ...jobs: JobToEnqueue[]): IntakeEntry => ({
  delivery: { id, event: "test" },
  jobs,
});

/** A database user that may not create functions: the batch goes the ordinary way. */
const noFunctions: EnqueueFunctions = { nameFor: async () => null, forget: () => {} };

const ways = backends.flatMap((backend) =>
  (["one statement", "a transaction"] as const).map((way) => [backend, way] as const),
);

describe.each(ways)("recordAndEnqueueBatch on %s, in %s", (backend, way) => {
  const database = useQueueDatabase(backend);
  let handle: QueueDatabase["handle"];
  let boss: PgBoss;
  let deps: BatchDependencies;
  beforeEach(() => {
    ({ handle, boss } = database);
    deps = {
      db: handle.db,
      boss,
      pool: handle.pool,
      enqueueFunctions: way === "one statement" ? createEnqueueFunctions(handle.db) : noFunctions,
    };
  });

  const deliveries = async () =>
    (await handle.db.selectFrom("webhook_deliveries").select("delivery_id").execute())
      .map((row) => row.delivery_id)
      .sort();
  const queued = async (name: JobName) =>
    (await boss.findJobs(name, {}))
      .map((job) => (job.data as { deliveryId: string }).deliveryId)
      .sort();

  it("stores a batch of two queues: new deliveries, redeliveries, absorbed jobs", async () => {
    expect(await recordAndEnqueueBatch(deps, [entry("seen", review("seen", 9))])).toEqual([
      "queued",
    ]);
    const outcomes = await recordAndEnqueueBatch(deps, [
      entry("pr-1", review("pr-1", 1)),
      entry("push-1", index("push-1", 10)),
      // Seen in an earlier batch: nothing of it is written again, its job is not queued.
      entry("seen", review("seen-again", 99)),
      // Two jobs of two queues for one delivery.
      entry("both", review("both", 2), index("both", 20)),
      // Redelivered in the same batch.
      entry("pr-1", review("pr-1-again", 98)),
      // Absorbed by pr-1's job (same singleton key), by push-1's.
      entry("pr-1b", review("pr-1b", 1)),
      entry("push-2", index("push-2", 10)),
      // A delivery without jobs.
      entry("nothing"),
    ]);
    expect(outcomes).toEqual([
      "queued",
      "queued",
      "redelivery",
      "queued",
      "redelivery",
      "already-queued",
      "already-queued",
      "already-queued",
    ]);
    expect(await deliveries()).toEqual(
      ["both", "nothing", "pr-1", "pr-1b", "push-1", "push-2", "seen"].sort(),
    );
    expect(await queued("review-pull-request")).toEqual(["both", "pr-1", "seen"]);
    expect(await queued("index-repository")).toEqual(["both", "push-1"]);
  });

  it("stores nothing of a batch when one of its jobs fails", async () => {
    const bad = review("bad", 3) as Extract<JobToEnqueue, { name: "review-pull-request" }>;
    await expect(
      recordAndEnqueueBatch(deps, [
        entry("good", review("good", 1), index("good", 10)),
        entry("bad", { ...bad, payload: { ...bad.payload, headSha: "\u0000" } }),
      ]),
    ).rejects.toThrow();
    expect(await deliveries()).toEqual([]);
    expect(await queued("review-pull-request")).toEqual([]);
    expect(await queued("index-repository")).toEqual([]);
    // Nothing half-done is left on the connections either.
    expect(await recordAndEnqueueBatch(deps, [entry("good", review("good", 1))])).toEqual([
      "queued",
    ]);
  });

  // Not on PGlite: pg-boss looks an unknown queue up on its own connection, which waits for the
  // batch's transaction to end (PGlite has one connection) until the handler's deadline.
  it.runIf(backend === "postgres")(
    "fails a batch with a job for a queue that does not exist, storing nothing",
    async () => {
      const unknown = { ...review("lost", 4), name: "no-such-queue" } as unknown as JobToEnqueue;
      await expect(
        recordAndEnqueueBatch(deps, [entry("good", review("good", 1)), entry("lost", unknown)]),
      ).rejects.toThrow(/no-such-queue does not exist/);
      expect(await deliveries()).toEqual([]);
      expect(await queued("review-pull-request")).toEqual([]);
    },
  );

  it.runIf(way === "one statement" && backend === "postgres")(
    "is one statement, committed alone, once its functions exist",
    async () => {
      await recordAndEnqueueBatch(deps, [entry("first", review("first", 1), index("first", 1))]);
      const pool = handle.pool!;
      // pool.query takes a connection for its one statement; a transaction would take another.
      const statements: string[] = [];
      let connections = 0;
      const { query, connect } = pool;
      pool.query = ((config: pg.QueryConfig) => {
        statements.push(config.text);
        return Reflect.apply(query, pool, [config]) as unknown;
      }) as typeof pool.query;
      pool.connect = ((...args: Parameters<typeof connect>) => {
        connections += 1;
        return connect.apply(pool, args);
      }) as typeof pool.connect;
      try {
        const outcomes = await recordAndEnqueueBatch(deps, [
          entry("second", review("second", 2), index("second", 2)),
          entry("third", review("third", 3)),
        ]);
        expect(outcomes).toEqual(["queued", "queued"]);
      } finally {
        pool.query = query;
        pool.connect = connect;
      }
      expect(connections).toBe(1);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/^WITH recorded AS/);
      expect(await queued("review-pull-request")).toEqual(["first", "second", "third"]);
    },
  );

  it.runIf(way === "one statement")(
    "fails a batch whose function was dropped, and creates it again for the next",
    async () => {
      await recordAndEnqueueBatch(deps, [entry("first", review("first", 1))]);
      const functions = await sql<{ name: string }>`
          SELECT proname AS name FROM pg_proc
          WHERE pronamespace = ${handle.schema}::regnamespace AND proname LIKE 'revue_enqueue_%'`.execute(
        handle.db,
      );
      expect(functions.rows).toHaveLength(1);
      await sql.raw(`DROP FUNCTION ${functions.rows[0]!.name}`).execute(handle.db);
      await expect(
        recordAndEnqueueBatch(deps, [entry("second", review("second", 2))]),
      ).rejects.toThrow(/does not exist/);
      expect(await recordAndEnqueueBatch(deps, [entry("second", review("second", 2))])).toEqual([
        "queued",
      ]);
      expect(await queued("review-pull-request")).toEqual(["first", "second"]);
    },
  );
});
