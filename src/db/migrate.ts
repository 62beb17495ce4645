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
  return migratorFor(db, schema).migrateToLatest();
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

function migratorFor(db: Database, schema: string): Migrator {
  return new Migrator({
    db,
    provider,
    // Always named: without a schema, kysely takes a `kysely_migration` table in ANY schema of the
    // database as its own (another app's, or another Revue's) and then fails to read it.
    migrationTableSchema: schema,
  });
}
