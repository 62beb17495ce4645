import { randomBytes } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "kysely";
import pg from "pg";
import { migrateToLatest } from "../../src/db/migrate.ts";
import {
  createPglite,
  openDatabase,
  openPglite,
  type DatabaseHandle,
} from "../../src/db/open-database.ts";

export type Backend = "pglite" | "postgres";

/**
 * The backends every database test runs on: PGlite always, and the PostgreSQL server in
 * TEST_DATABASE_URL when it is set (CI sets it).
 */
export const backends: Backend[] = process.env.TEST_DATABASE_URL
  ? ["pglite", "postgres"]
  : ["pglite"];

let pgliteTemplate: Promise<PGlite> | undefined;

/**
 * A fresh, migrated database of its own: a clone of a migrated in-memory PGlite template, or a new
 * schema on the test server. `close()` drops it.
 */
export async function createTestDatabase(
  backend: Backend,
  options: { migrate?: boolean } = {},
): Promise<DatabaseHandle & { queueSchema: string }> {
  const migrate = options.migrate ?? true;
  if (backend === "pglite") {
    let pglite: PGlite;
    if (migrate) {
      pgliteTemplate ??= (async () => {
        const template = await createPglite(undefined);
        const handle = await openPglite(template);
        const result = await migrateToLatest(handle.db);
        if (result.error) throw result.error;
        return template;
      })();
      pglite = (await (await pgliteTemplate).clone()) as PGlite;
    } else {
      pglite = await createPglite(undefined);
    }
    const handle = await openPglite(pglite);
    return { ...handle, queueSchema: "pgboss" };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const handle = await openDatabase(
    { kind: "postgres", url, poolMax: 5, connectTimeoutMs: 5000 },
    { schema },
  );
  if (migrate) {
    // Kysely's migrator lists the tables and columns of every schema, so a test dropping its schema
    // at that moment (another vitest worker) fails the listing. Schema creation and removal take
    // one server-wide advisory lock; a catalog race that slips through is retried.
    const result = await withSchemaLock(url, async () => {
      let attempt = await migrateToLatest(handle.db, schema);
      for (let retry = 0; retry < 5 && catalogRace(attempt.error); retry++) {
        attempt = await migrateToLatest(handle.db, schema);
      }
      return attempt;
    });
    if (result.error) throw result.error;
  }
  const queueSchema = `${schema}_boss`;
  return {
    ...handle,
    queueSchema,
    close: async () => {
      await withSchemaLock(url, async () => {
        await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(handle.db);
        await sql`DROP SCHEMA IF EXISTS ${sql.id(queueSchema)} CASCADE`.execute(handle.db);
      });
      await handle.close();
    },
  };
}

/**
 * Runs `work` (migrations of a test schema, say) while no other test creates or drops a schema on
 * the test server: Kysely's migrator lists every schema's tables, and a schema dropped during that
 * listing fails it (`3F000`). On PGlite, where nothing is shared, it just runs `work`.
 */
export async function withoutSchemaChurn<T>(backend: Backend, work: () => Promise<T>): Promise<T> {
  const url = process.env.TEST_DATABASE_URL;
  return backend === "postgres" && url ? withSchemaLock(url, work) : work();
}

/** Errors of a catalog read that raced a concurrent DROP: no such schema, table or column. */
function catalogRace(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === "3F000" || code === "42P01" || code === "42703" || code === "XX000";
}

const SCHEMA_LOCK = 740_271;

/** Runs `work` holding a server-wide advisory lock (its own connection), so test schemas come and go one at a time. */
async function withSchemaLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [SCHEMA_LOCK]);
    return await work();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [SCHEMA_LOCK]).catch(() => {});
    await client.end();
  }
}
