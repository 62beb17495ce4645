import { sql, type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * For the dashboard (src/dashboard):
 * - `reviews.report`: what a posted review did beyond its posted findings (config and its
 *   problems, context used, findings suppressed, folded or listed in the summary and why), so
 *   the review and repository pages can show it (src/review/review-report.ts).
 * - `findings(review_id)`: a review's findings, and the findings of a range of reviews, by index
 *   (the foreign key has none); and `reviews(installation_id, created_at)` with the figures the
 *   overview sums, so it scans the index only.
 * - `reviews(repository_id, id) WHERE report IS NOT NULL`: a repository's newest reports (config
 *   problems, suppressed findings) without reading its older reviews.
 * - `memories(repository_id)`: a repository's memories (the existing index leads with the
 *   installation).
 */
export async function up(db: AnyDatabase): Promise<void> {
  await db.schema.alterTable("reviews").addColumn("report", "jsonb").execute();
  // Covering (INCLUDE) so the overview's scans read the index alone, not the wide rows (reports,
  // model output): measured to halve its statements on 100,000 reviews (bench/dashboard-bench.ts).
  await sql`CREATE INDEX findings_review_idx ON findings (review_id) INCLUDE (severity, status)`.execute(
    db,
  );
  await sql`CREATE INDEX reviews_dashboard_idx ON reviews (installation_id, created_at)
    INCLUDE (repository_id, status, duration_ms, input_tokens, output_tokens, cache_read_tokens,
      cache_write_tokens, cost_usd)`.execute(db);
  await db.schema
    .createIndex("reviews_repository_report_idx")
    .on("reviews")
    .columns(["repository_id", "id"])
    .where(sql.ref("report"), "is not", null)
    .execute();
  await db.schema
    .createIndex("memories_repository_idx")
    .on("memories")
    .column("repository_id")
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropIndex("memories_repository_idx").execute();
  await db.schema.dropIndex("reviews_repository_report_idx").execute();
  await db.schema.dropIndex("reviews_dashboard_idx").execute();
  await db.schema.dropIndex("findings_review_idx").execute();
  await db.schema.alterTable("reviews").dropColumn("report").execute();
}
