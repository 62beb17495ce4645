import { migrateToLatest } from "../db/migrate.ts";
import { createPglite, openPglite, type DatabaseHandle } from "../db/open-database.ts";

/**
 * A migrated PGlite database in memory, for one command's codebase index: gone when closed, so a
 * review from the terminal leaves nothing behind in the working tree. Throws when a migration fails.
 */
export async function openScratchDatabase(): Promise<DatabaseHandle> {
  const handle = await openPglite(await createPglite(undefined));
  const { error } = await migrateToLatest(handle.db);
  if (error) {
    await handle.close();
    throw new Error("migrating the in-memory database failed", { cause: error });
  }
  return handle;
}
