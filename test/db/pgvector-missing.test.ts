import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError, ensurePgvector } from "../../src/db/open-database.ts";
import type { DatabaseSchema } from "../../src/db/schema.ts";

const url = process.env.TEST_DATABASE_URL;

describe.runIf(url)("a PostgreSQL server without pgvector", () => {
  it("is refused with how to install it", async () => {
    // The server here has pgvector; a schema searched before pg_catalog shows a catalog without it.
    const schema = `nopgv_${randomBytes(4).toString("hex")}`;
    const admin = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    });
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(admin);
    await sql`CREATE VIEW ${sql.id(schema, "pg_available_extensions")} AS
      SELECT * FROM pg_catalog.pg_available_extensions WHERE name <> 'vector'`.execute(admin);
    const db = new Kysely<DatabaseSchema>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({
          connectionString: url,
          max: 1,
          options: `-c search_path=${schema},pg_catalog,public`,
        }),
      }),
    });
    try {
      const error = await ensurePgvector(
        db,
        "postgres://revue:hunter2@db.internal:5432/revue",
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      const message = (error as Error).message;
      expect(message).toContain("does not have the pgvector extension");
      expect(message).toContain("apt-get install postgresql-<major>-pgvector");
      expect(message).toContain("pgvector/pgvector");
      expect(message).not.toContain("hunter2");
    } finally {
      await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(admin);
      await admin.destroy();
    }
  });
});
