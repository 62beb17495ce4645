import { createHash, randomBytes } from "node:crypto";
import { CompiledQuery, Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { PgBoss } from "pg-boss";
import { beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/open-database.ts";
import type { DatabaseSchema } from "../../src/db/schema.ts";
import { captureJobInsert } from "../../src/queue/capture-job-insert.ts";
import { createEnqueueFunctions } from "../../src/queue/create-enqueue-functions.ts";
import { useQueueDatabase, type QueueDatabase } from "../helpers/queue-database.ts";
import { backends } from "../helpers/test-database.ts";

describe.each(backends)("createEnqueueFunctions on %s", (backend) => {
  const database = useQueueDatabase(backend);
  let handle: QueueDatabase["handle"];
  let boss: PgBoss;
  beforeEach(() => {
    ({ handle, boss } = database);
  });

  /** pg-boss's statement for inserting one review job, and its payload. */
  const reviewInsert = async () => {
    const insert = await captureJobInsert(boss, "review-pull-request", [
      { data: { pullNumber: 1 }, singletonKey: "10#1" },
    ]);
    void insert.settle({ error: new Error("not run here") }).catch(() => undefined);
    return insert;
  };
  const functionsInSchema = async () =>
    (
      await sql<{ name: string }>`
        SELECT proname AS name FROM pg_proc
        WHERE pronamespace = ${handle.schema}::regnamespace AND proname LIKE 'revue_enqueue_%'`.execute(
        handle.db,
      )
    ).rows.map((row) => row.name);

  it("creates one function per statement, in the tables' schema, that runs the insert", async () => {
    const { text, payload } = await reviewInsert();
    // Two processes starting together, and the same process asking twice.
    const [first, second] = [createEnqueueFunctions(handle.db), createEnqueueFunctions(handle.db)];
    const names = await Promise.all([
      first.nameFor(text),
      second.nameFor(text),
      first.nameFor(text),
    ]);
    expect(new Set(names).size).toBe(1);
    expect(names[0]).toMatch(/^revue_enqueue_[0-9a-f]{20}$/);
    expect(await functionsInSchema()).toEqual([names[0]]);

    const { rows } = await handle.db.executeQuery<{ id: string }>(
      CompiledQuery.raw(`SELECT id FROM ${names[0]}($1) AS id`, [payload]),
    );
    expect(rows).toHaveLength(1);
    const jobs = await boss.findJobs("review-pull-request", {});
    expect(jobs.map((job) => job.id)).toEqual([rows[0]!.id]);
    // The singleton key holds inside the function as it does outside.
    const again = await handle.db.executeQuery(
      CompiledQuery.raw(`SELECT id FROM ${names[0]}($1) AS id`, [payload]),
    );
    expect(again.rows).toEqual([]);
  });

  it("names another statement's function apart", async () => {
    const functions = createEnqueueFunctions(handle.db);
    const { text } = await reviewInsert();
    const other = text.replace("review-pull-request", "index-repository");
    const names = await Promise.all([functions.nameFor(text), functions.nameFor(other)]);
    expect(names[0]).not.toBe(names[1]);
    expect((await functionsInSchema()).sort()).toEqual([...names].sort());
  });

  it.runIf(backend === "postgres")(
    "answers null, so the batch goes the ordinary way, to a user who may not create functions",
    async () => {
      const { text } = await reviewInsert();
      const role = `revue_reader_${randomBytes(4).toString("hex")}`;
      await sql
        .raw(`CREATE ROLE ${role} LOGIN; GRANT USAGE ON SCHEMA ${handle.schema} TO ${role}`)
        .execute(handle.db);
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.username = role;
      const db = databaseAt(url.toString());
      try {
        expect(await createEnqueueFunctions(db).nameFor(text)).toBeNull();
        expect(await functionsInSchema()).toEqual([]);
      } finally {
        await db.destroy();
        await sql
          .raw(`REVOKE ALL ON SCHEMA ${handle.schema} FROM ${role}; DROP ROLE ${role}`)
          .execute(handle.db);
      }
    },
  );

  it("answers null for a statement that cannot be a function's body", async () => {
    const functions = createEnqueueFunctions(handle.db);
    expect(await functions.nameFor("SELECT '$revue_enqueue$'::uuid")).toBeNull();
    expect(await functions.nameFor("SELECT gen_random_uuid();; SELECT")).toBeNull();
    expect(await functionsInSchema()).toEqual([]);
  });

  it.runIf(backend === "postgres")(
    "rejects when the database fails otherwise, and tries again next time",
    async () => {
      // Another process holds the function's lock longer than this one's lock_timeout.
      const db = databaseAt(process.env.TEST_DATABASE_URL!, "SET lock_timeout = '100ms'");
      const functions = createEnqueueFunctions(db);
      const { text } = await reviewInsert();
      const holder = await handle.pool!.connect();
      try {
        await holder.query("BEGIN");
        const name = `revue_enqueue_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
        await holder.query("SELECT pg_advisory_xact_lock(hashtext($1))", [name]);
        await expect(functions.nameFor(text)).rejects.toThrow(/lock timeout/);
        await holder.query("COMMIT");
        expect(await functions.nameFor(text)).toBe(name);
      } finally {
        holder.release();
        await db.destroy();
      }
    },
  );

  /** Revue's database at `url` on one connection, in this test's schema, after `setup`. */
  const databaseAt = (url: string, setup?: string): Database => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on("connect", (client) => {
      void client.query(`SET search_path TO ${handle.schema}`);
      if (setup) void client.query(setup);
    });
    return new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  };
});
