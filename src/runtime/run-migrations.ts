import type { MigrationResultSet } from "kysely/migration";
import type { Config } from "../config/read-config.ts";
import { migrateDown, migrateToLatest } from "../db/migrate.ts";
import { openDatabase } from "../db/open-database.ts";

export type MigrationDirection = "up" | "down" | "down-all";

/**
 * `npm run migrate`: opens the configured database, applies every pending migration ("up") or
 * undoes the newest one ("down") or all of them ("down-all"), and closes it. Needs no App
 * credentials. Throws DatabaseUnavailableError when the database cannot be opened; a failed
 * migration is reported in the result's `error`, not thrown (kysely's style).
 */
export async function runMigrations(
  config: Config,
  direction: MigrationDirection,
): Promise<MigrationResultSet> {
  const database = await openDatabase(config.database);
  try {
    return direction === "up"
      ? await migrateToLatest(database.db)
      : await migrateDown(database.db, "public", direction === "down-all");
  } finally {
    await database.close();
  }
}
