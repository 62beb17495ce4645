import { randomBytes } from "node:crypto";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";

/** A fresh database on the test server (TEST_DATABASE_URL, with pgvector), for processes a test spawns. */
export async function freshServerDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new Kysely<unknown>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: process.env.TEST_DATABASE_URL, max: 1 }),
    }),
  });
  const name = `revue_e2e_${randomBytes(4).toString("hex")}`;
  await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin);
      await admin.destroy();
    },
  };
}
