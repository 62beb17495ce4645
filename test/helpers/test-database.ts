import { randomBytes } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "kysely";
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
    let result = await migrateToLatest(handle.db, schema);
    // Kysely's migrator lists the tables of every schema; another test dropping its schema at that
    // moment fails the listing with 3F000 (no such schema). The race is over on a second try.
    for (let retry = 0; retry < 5 && schemaVanished(result.error); retry++) {
      result = await migrateToLatest(handle.db, schema);
    }
    if (result.error) throw result.error;
  }
  const queueSchema = `${schema}_boss`;
  return {
    ...handle,
    queueSchema,
    close: async () => {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(handle.db);
      await sql`DROP SCHEMA IF EXISTS ${sql.id(queueSchema)} CASCADE`.execute(handle.db);
      await handle.close();
    },
  };
}

function schemaVanished(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === "3F000";
}
