import { sql, type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * The dashboard's sign-in sessions (src/dashboard). The key is the SHA-256 of the random id in the
 * cookie, so a copy of this table does not give anyone a working cookie; GitHub's user tokens are
 * stored encrypted (AES-256-GCM). Rows past `expires_at` are swept on sign-in.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable("dashboard_sessions")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "bigint", (c) => c.notNull())
    .addColumn("user_login", "text", (c) => c.notNull())
    .addColumn("access_token", "text", (c) => c.notNull())
    .addColumn("access_token_expires_at", "timestamptz")
    .addColumn("refresh_token", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("dashboard_sessions_expires_at")
    .on("dashboard_sessions")
    .column("expires_at")
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable("dashboard_sessions").execute();
}
