import type { Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * Full reviews asked for (`@revue re-review`) and answered, counted per pull request. The queue
 * keeps one waiting review job per pull request, so a command can be absorbed into a job that a
 * push queued; the count tells that job to review in full, even a head already reviewed. A full
 * review is owed while `full_reviews_requested` is greater than `full_reviews_answered`.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .alterTable("pull_requests")
    .addColumn("full_reviews_requested", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("full_reviews_answered", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema
    .alterTable("pull_requests")
    .dropColumn("full_reviews_requested")
    .dropColumn("full_reviews_answered")
    .execute();
}
