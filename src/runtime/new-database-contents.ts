import type { Logger } from "pino";
import { describeMigrations, migrateToLatest } from "../db/migrate.ts";
import type { Database, NewDatabaseContents } from "../db/open-database.ts";
import { createQueueSchema, describeQueueSchema } from "../queue/start-queue.ts";

/**
 * What a start puts in an empty database before using it: every migration, then pg-boss's schema
 * and Revue's queues. A new embedded database is unpacked from a cached template of exactly this
 * (src/db/pglite-template.ts), keyed by the migration files and the queue's settings.
 */
export function newDatabaseContents(log: Logger): NewDatabaseContents {
  return {
    describe: () => [...describeMigrations(), ...describeQueueSchema()],
    fill: async (handle) => {
      await migrateOrThrow(handle.db);
      await createQueueSchema(handle, log);
    },
  };
}

/** Applies every pending migration; throws the failed migration's error as the cause. */
export async function migrateOrThrow(db: Database): Promise<void> {
  const migration = await migrateToLatest(db);
  if (migration.error) {
    throw new Error(`Database migration failed: ${(migration.error as Error).message}`, {
      cause: migration.error,
    });
  }
}
