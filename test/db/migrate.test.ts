import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrateDown, migrateToLatest } from "../../src/db/migrate.ts";
import { migrations } from "../../migrations/index.ts";
import { backends, createTestDatabase, withoutSchemaChurn } from "../helpers/test-database.ts";

type Handle = Awaited<ReturnType<typeof createTestDatabase>>;

async function tableNames(handle: Handle): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = ${handle.schema} and table_name not like 'kysely_%'
    order by table_name`.execute(handle.db);
  return result.rows.map((row) => row.table_name);
}

describe.each(backends)("migrations on %s", (backend) => {
  let handle: Handle | undefined;
  // Other test files create and drop schemas on the same server while these migrate.
  const up = () => withoutSchemaChurn(backend, () => migrateToLatest(handle!.db, handle!.schema));
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it("go up, down and up again", async () => {
    handle = await createTestDatabase(backend, { migrate: false });
    const first = await up();
    expect(first.error).toBeUndefined();
    expect(first.results?.map((r) => r.status)).toEqual(
      Object.keys(migrations).map(() => "Success"),
    );
    expect(await tableNames(handle)).toEqual([
      "code_chunks",
      "code_files",
      "code_imports",
      "code_indexes",
      "code_symbols",
      "dashboard_sessions",
      "eval_case_results",
      "eval_runs",
      "findings",
      "installations",
      "memories",
      "pull_requests",
      "redelivery_requests",
      "repositories",
      "review_daily_rollup",
      "reviews",
      "webhook_deliveries",
    ]);

    const down = await withoutSchemaChurn(backend, () =>
      migrateDown(handle!.db, handle!.schema, true),
    );
    expect(down.error).toBeUndefined();
    expect(await tableNames(handle)).toEqual([]);

    const again = await up();
    expect(again.error).toBeUndefined();
    expect(await tableNames(handle)).toHaveLength(17);
  });

  it("are a no-op the second time", async () => {
    handle = await createTestDatabase(backend);
    const second = await up();
    expect(second.error).toBeUndefined();
    expect(second.results).toEqual([]);
  });

  it("report a recorded migration the code does not have, rather than finding nothing to do", async () => {
    handle = await createTestDatabase(backend);
    await sql`
      insert into ${sql.table(`${handle.schema}.kysely_migration`)} (name, timestamp)
      values ('20991231T0000_from_elsewhere', ${new Date().toISOString()})`.execute(handle.db);
    const result = await up();
    expect(String(result.error)).toContain("20991231T0000_from_elsewhere");
  });

  it("apply the one migration pending after the newest was undone", async () => {
    handle = await createTestDatabase(backend);
    const down = await withoutSchemaChurn(backend, () => migrateDown(handle!.db, handle!.schema));
    expect(down.error).toBeUndefined();
    const again = await up();
    expect(again.error).toBeUndefined();
    expect(again.results?.map((r) => r.migrationName)).toEqual([Object.keys(migrations).at(-1)]);
  });

  it("can run from two connections at once", async () => {
    handle = await createTestDatabase(backend, { migrate: false });
    const [a, b] = await withoutSchemaChurn(backend, () =>
      Promise.all([
        migrateToLatest(handle!.db, handle!.schema),
        migrateToLatest(handle!.db, handle!.schema),
      ]),
    );
    expect(a.error).toBeUndefined();
    expect(b.error).toBeUndefined();
    const applied = [...(a.results ?? []), ...(b.results ?? [])].filter(
      (r) => r.status === "Success",
    );
    expect(applied).toHaveLength(Object.keys(migrations).length);
    expect(await tableNames(handle)).toHaveLength(17);
  });

  it("store vectors with pgvector", async () => {
    handle = await createTestDatabase(backend);
    const result = await sql<{ distance: number }>`
      select '[1,0,0]'::vector <=> '[0,1,0]'::vector as distance`.execute(handle.db);
    expect(Number(result.rows[0]?.distance)).toBeCloseTo(1);
  });
});
