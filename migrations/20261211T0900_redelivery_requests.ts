import { sql, type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * The failed webhook deliveries Revue asked GitHub to redeliver (src/recovery): one row per
 * delivery guid, written before the request, so each is asked for once, across restarts and
 * processes.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable("redelivery_requests")
    .addColumn("guid", "text", (col) => col.primaryKey())
    .addColumn("event", "text", (col) => col.notNull())
    .addColumn("attempt_id", "bigint", (col) => col.notNull())
    .addColumn("requested_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable("redelivery_requests").execute();
}
