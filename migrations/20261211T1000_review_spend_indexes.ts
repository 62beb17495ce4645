import { sql, type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * What reviews spent per repository per day and per installation per month (the cost caps,
 * src/review/review-spend.ts) is read before every review: by index, not by scanning a year of
 * reviews. Running reviews are looked for every few minutes (close-orphan-reviews.ts): a partial
 * index keeps that to the few rows still running.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createIndex("reviews_repository_time_idx")
    .on("reviews")
    .columns(["repository_id", "created_at"])
    .execute();
  await db.schema
    .createIndex("reviews_installation_time_idx")
    .on("reviews")
    .columns(["installation_id", "created_at"])
    .execute();
  await db.schema
    .createIndex("reviews_running_idx")
    .on("reviews")
    .column("started_at")
    .where(sql.ref("status"), "=", "running")
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropIndex("reviews_running_idx").execute();
  await db.schema.dropIndex("reviews_installation_time_idx").execute();
  await db.schema.dropIndex("reviews_repository_time_idx").execute();
}
