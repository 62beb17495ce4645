import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { Migrator, NO_MIGRATIONS, type MigrationResultSet } from "kysely/migration";
import { migrations } from "../../migrations/index.ts";
import type { Database } from "./open-database.ts";

const provider = { getMigrations: async () => migrations };

/**
 * Brings the schema to the newest migration. Safe to run twice and from two processes at once:
 * kysely holds a lock row in the database while it migrates. Never throws for a failed migration:
 * the caller checks `error` (kysely's style).
 */
export async function migrateToLatest(
  db: Database,
  schema = "public",
): Promise<MigrationResultSet> {
  if (await isUpToDate(db, schema)) return { results: [] };
  return migratorFor(db, schema).migrateToLatest();
}

/**
 * Whether kysely's migrator would find nothing to do: every migration recorded as applied, in
 * order, and no other. Two small queries, where the migrator first reads every column of every
 * table twice to find its own tables (a second of a start on a new embedded database, whose
 * pg-boss tables are many). Anything else (no migration table yet, one pending, an unknown one)
 * is left to the migrator, which applies or reports it.
 */
async function isUpToDate(db: Database, schema: string): Promise<boolean> {
  const table = await sql<{ found: boolean }>`
    select to_regclass(format('%I.%I', ${schema}::text, 'kysely_migration')) is not null as found
  `.execute(db);
  if (!table.rows[0]?.found) return false;
  const applied = await sql<{ name: string }>`
    select name from ${sql.table(`${schema}.kysely_migration`)} order by timestamp, name
  `.execute(db);
  const names = Object.keys(migrations);
  return (
    applied.rows.length === names.length &&
    applied.rows.every((row, index) => row.name === names[index])
  );
}

/** Undoes the newest migration, or every one of them with `all`. */
export async function migrateDown(
  db: Database,
  schema = "public",
  all = false,
): Promise<MigrationResultSet> {
  const migrator = migratorFor(db, schema);
  return all ? migrator.migrateTo(NO_MIGRATIONS) : migrator.migrateDown();
}

/**
 * Each migration's name and source text, in order: what decides the schema a new database gets
 * (a cached template of one is keyed by it, see pglite-template.ts). Throws when a file listed in
 * migrations/index.ts cannot be read.
 */
export function describeMigrations(): string[] {
  const folder = new URL("../../migrations/", import.meta.url);
  return Object.keys(migrations).map(
    (name) => `migration ${name}\n${readFileSync(new URL(`${name}.ts`, folder), "utf8")}`,
  );
}

function migratorFor(db: Database, schema: string): Migrator {
  return new Migrator({
    db,
    provider,
    // Always named: without a schema, kysely takes a `kysely_migration` table in ANY schema of the
    // database as its own (another app's, or another Revue's) and then fails to read it.
    migrationTableSchema: schema,
  });
}
