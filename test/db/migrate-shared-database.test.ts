import { randomBytes } from "node:crypto";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { DatabaseSchema } from "../../src/db/schema.ts";

const url = process.env.TEST_DATABASE_URL;

describe.runIf(url)("migrations in a database other applications share", () => {
  it("ignore another schema's kysely_migration table", async () => {
    const admin = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    });
    const name = `revue_shared_${randomBytes(4).toString("hex")}`;
    await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin);
    const target = new URL(url!);
    target.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: target.toString(), max: 2 });
    // DROP DATABASE ... WITH (FORCE) below ends any connection still closing: not an error here.
    pool.on("error", () => {});
    const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql`CREATE SCHEMA other_app`.execute(db);
      await sql`CREATE TABLE other_app.kysely_migration (name text, timestamp text)`.execute(db);
      const first = await migrateToLatest(db);
      expect(first.error).toBeUndefined();
      expect(first.results?.every((r) => r.status === "Success")).toBe(true);
      const again = await migrateToLatest(db);
      expect(again.error).toBeUndefined();
      expect(again.results).toEqual([]);
    } finally {
      await db.destroy();
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin);
      await admin.destroy();
    }
  });
});
