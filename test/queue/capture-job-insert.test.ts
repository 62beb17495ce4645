import { CompiledQuery } from "kysely";
import type { Db, PgBoss } from "pg-boss";
import { beforeEach, describe, expect, it } from "vitest";
import { captureJobInsert } from "../../src/queue/capture-job-insert.ts";
import { useQueueDatabase, type QueueDatabase } from "../helpers/queue-database.ts";
import { backends } from "../helpers/test-database.ts";

describe.each(backends)("captureJobInsert on %s", (backend) => {
  const database = useQueueDatabase(backend);
  let handle: QueueDatabase["handle"];
  let boss: PgBoss;
  beforeEach(() => {
    ({ handle, boss } = database);
  });

  const run = async (text: string, payload: unknown) =>
    (await handle.db.executeQuery<{ id: string }>(CompiledQuery.raw(text, [payload]))).rows;
  const jobs = () => boss.findJobs("review-pull-request", {});

  it("holds pg-boss's statement unrun, and answers insert with the rows it returned", async () => {
    const insert = await captureJobInsert(boss, "review-pull-request", [
      { id: "00000000-0000-4000-8000-000000000001", data: { n: 1 }, singletonKey: "10#1" },
      { id: "00000000-0000-4000-8000-000000000002", data: { n: 2 }, singletonKey: "10#1" },
    ]);
    expect(await jobs()).toEqual([]);
    const rows = await run(insert.text, insert.payload);
    // The second job is absorbed by the first's singleton key.
    expect(await insert.settle({ rows })).toEqual(["00000000-0000-4000-8000-000000000001"]);
    expect((await jobs()).map((job) => job.data)).toEqual([{ n: 1 }]);
  });

  it("hands the statement's error to pg-boss, and rejects with what insert rejects with", async () => {
    const insert = await captureJobInsert(boss, "review-pull-request", [{ data: { n: 1 } }]);
    await expect(insert.settle({ error: new Error("connection lost") })).rejects.toThrow(
      "connection lost",
    );
  });

  it("rejects when insert fails before its statement", async () => {
    await expect(
      captureJobInsert(boss, "no-such-queue" as "review-pull-request", [{ data: {} }]),
    ).rejects.toThrow(/does not exist/);
  });
});

describe("captureJobInsert with a pg-boss of another shape", () => {
  /** A stand-in for a pg-boss whose insert runs `values` as its statement's parameters. */
  const bossRunning = (values: unknown[]) =>
    ({
      insert: async (_name: string, _jobs: unknown[], options: { db: Db }) =>
        options.db.executeSql("INSERT ...", values),
    }) as unknown as PgBoss;

  it("fails the insert, not hangs it, when pg-boss runs a second statement after the first", async () => {
    const boss = {
      insert: async (_name: string, _jobs: unknown[], options: { db: Db }) => {
        await options.db.executeSql("INSERT ...", ["[]"]);
        return options.db.executeSql("NOTIFY ...", ["queue"]);
      },
    } as unknown as PgBoss;
    const insert = await captureJobInsert(boss, "review-pull-request", []);
    await expect(insert.settle({ rows: [] })).rejects.toThrow(/ran 2 statements/);
  });

  it("refuses a statement with other than one parameter: the caller enqueues the ordinary way", async () => {
    await expect(
      captureJobInsert(bossRunning(["[]", "extra"]), "review-pull-request", []),
    ).rejects.toThrow(/one statement with one parameter was expected/);
    await expect(captureJobInsert(bossRunning([]), "review-pull-request", [])).rejects.toThrow(
      /one statement with one parameter was expected/,
    );
  });
});
